//! The real binary: flags and environment configure it, it prints its URL
//! when ready, and SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn runs_from_flags_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<html><body>app</body></html>").unwrap();
    let data = dir.path().join("data");

    let mut child = Command::new(env!("CARGO_BIN_EXE_confidant-server"))
        .args(["--port", "0", "--dist-dir"])
        .arg(&dist)
        .env("CONFIDANT_DATA_DIR", &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read the first line on a thread, so a server that never prints fails
    // the test after a bound instead of hanging it.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("the server printed nothing within 30 s");
        }
    };
    let url = line.trim().strip_prefix("Confidant is running at ").expect(&line).to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(data.is_dir(), "the data folder from the environment is created");

    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let response = http_get(addr, "/healthz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(std::time::Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}
