//! The `toasoan` binary: the command line lives in the `toasoan` library
//! ([`toasoan::cli`]), the server in the `api` library.

/// mimalloc instead of the system allocator: a request allocates and
/// frees thousands of small objects across threads, where glibc's malloc
/// spent a quarter of the server's CPU (see bench/REPORT.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod memory;

fn main() -> std::process::ExitCode {
    memory::settle();
    toasoan::cli::main()
}
