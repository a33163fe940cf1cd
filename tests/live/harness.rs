//! Test harness for live captures: network namespaces joined by a veth pair (removed on
//! drop, panics included) and a `whohosts report --live` run whose stderr is read as it comes.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// Two namespaces joined by a veth pair; removed (with everything in them) on drop, panics
/// included.
pub struct Namespaces {
    pub server: String,
    pub client: String,
    pub server_if: String,
    pub client_if: String,
    pub server_ip: Ipv4Addr,
    pub client_ip: Ipv4Addr,
    pub children: Vec<Child>,
    pub dir: PathBuf,
}

pub fn run(args: &[&str]) -> Result<Output, String> {
    let out = Command::new(args[0]).args(&args[1..]).output().map_err(|e| format!("{}: {e}", args[0]))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!("{args:?}: {}", String::from_utf8_lossy(&out.stderr)))
    }
}

impl Namespaces {
    /// `None` (with the reason) where namespaces cannot be made: not root, no `ip`.
    fn create(tag: u8) -> Result<Namespaces, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("not running as root".into());
        }
        let id = std::process::id() % 100_000;
        let subnet = u8::try_from((std::process::id() % 50) * 5 + u32::from(tag)).unwrap_or(1);
        let ns = Namespaces {
            server: format!("whohosts-{id}-{tag}-srv"),
            client: format!("whohosts-{id}-{tag}-cli"),
            server_if: format!("wh{id}{tag}s"),
            client_if: format!("wh{id}{tag}c"),
            server_ip: Ipv4Addr::new(10, 200, subnet, 1),
            client_ip: Ipv4Addr::new(10, 200, subnet, 2),
            children: Vec::new(),
            dir: std::env::temp_dir().join(format!("whohosts-live-test-{id}-{tag}")),
        };
        std::fs::create_dir_all(&ns.dir).map_err(|e| e.to_string())?;
        run(&["ip", "netns", "add", &ns.server])?;
        run(&["ip", "netns", "add", &ns.client])?;
        run(&["ip", "link", "add", &ns.server_if, "type", "veth", "peer", "name", &ns.client_if])?;
        run(&["ip", "link", "set", &ns.server_if, "netns", &ns.server])?;
        run(&["ip", "link", "set", &ns.client_if, "netns", &ns.client])?;
        for (name, link, ip) in [(&ns.server, &ns.server_if, ns.server_ip), (&ns.client, &ns.client_if, ns.client_ip)] {
            run(&["ip", "-n", name, "addr", "add", &format!("{ip}/24"), "dev", link])?;
            run(&["ip", "-n", name, "link", "set", link, "up"])?;
            run(&["ip", "-n", name, "link", "set", "lo", "up"])?;
        }
        Ok(ns)
    }

    pub fn exec(&self, ns: &str, args: &[&str]) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns]).args(args);
        c
    }

    pub fn spawn_server(&mut self, args: &[&str]) {
        let child = self
            .exec(&self.server.clone(), args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a server in the namespace");
        self.children.push(child);
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        // Deleting a namespace deletes the veth end inside it, and with it the pair.
        let _ = Command::new("ip").args(["netns", "del", &self.server]).output();
        let _ = Command::new("ip").args(["netns", "del", &self.client]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn namespaces_or_skip(test: &str, tag: u8) -> Option<Namespaces> {
    match Namespaces::create(tag) {
        Ok(ns) => Some(ns),
        Err(reason) => {
            skipped!("SKIPPED: {test} needs root and ip netns ({reason})");
            None
        }
    }
}

/// A `whohosts report --live` run, with its stderr read as it comes.
pub struct LiveRun {
    child: Child,
    stderr: std::sync::mpsc::Receiver<String>,
}

impl LiveRun {
    /// Starts the capture and returns once it says it is capturing.
    pub fn start(mut command: Command) -> LiveRun {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start whohosts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) if line.contains("capturing on") => break,
                Ok(line) => seen.push(line),
                Err(_) => panic!("whohosts did not start capturing: {seen:?}"),
            }
        }
        LiveRun { child, stderr: rx }
    }

    /// Waits for the end: (success, stdout, stderr).
    pub fn finish(self) -> (bool, Vec<u8>, String) {
        let out = self.child.wait_with_output().unwrap();
        let stderr: Vec<String> = self.stderr.iter().collect();
        (out.status.success(), out.stdout, stderr.join("\n"))
    }
}
