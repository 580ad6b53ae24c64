//! The `usbide` executable: snapshot the environment, hand everything to the
//! library, and turn its answer into the process exit code.

fn main() {
    usbide::platform::contain_children();
    let environ = usbide::environ::Environ::from_process();
    let code = usbide::run(std::env::args_os().collect(), environ);
    std::process::exit(code);
}
