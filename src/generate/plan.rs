//! How big an archive is: the counts of everything, from the number of
//! articles asked for.

/// How many of each thing an archive of `articles` gets.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub articles: usize,
    pub people: usize,
    pub reporters: usize,
    pub organizations: usize,
    pub events: usize,
    pub tags: usize,
}

impl Plan {
    pub fn new(articles: usize) -> Self {
        let reporters = (articles / 500).clamp(8, 200);
        Self {
            articles,
            people: (articles / 5).max(reporters + 40),
            reporters,
            organizations: (articles / 33).max(30),
            events: (articles / 10).max(10),
            tags: (articles / 200).clamp(40, 500),
        }
    }
}
