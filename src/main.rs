//! The `toasoan` binary: all the work lives in the `api` library.

fn main() -> std::process::ExitCode {
    api::cli::main()
}
