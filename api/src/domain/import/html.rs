//! Placeholder: HTML and WordPress content to body blocks (being written).
