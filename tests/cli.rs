//! The binary's one-shot commands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn one_shot_commands_leave_the_sqlite_database_in_one_file() {
    // A command that exits with its pool open leaves SQLite's write-ahead
    // log beside the file, and a copy of the file alone misses it.
    let db = std::env::temp_dir().join(format!("toasoan-cli-{}.db", std::process::id()));
    let path = db.display().to_string();
    for command in ["migrate", "seed-demo"] {
        let output = Command::new(env!("CARGO_BIN_EXE_toasoan"))
            .arg(command)
            .env("DATABASE_URL", format!("sqlite://{path}?mode=rwc"))
            .env("NO_DEMO", "true")
            .output()
            .unwrap();
        assert!(output.status.success(), "{command}: {output:?}");
        assert!(
            !std::path::Path::new(&format!("{path}-wal")).exists(),
            "{command} left {path}-wal"
        );
    }
    for suffix in ["", "-shm", "-wal"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}
