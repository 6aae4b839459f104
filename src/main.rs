//! The `skillspass` binary: parse arguments, run, exit with the command's code.

fn main() -> std::process::ExitCode {
    skillspass::cli::run()
}
