//! `thematic-bench media`: a recording of `--size-mb` (default 1024: 1 GiB) linked to a
//! transcript of a fresh study, served by the release `thematic serve`; measures
//!
//! - the time to the first byte of the body of a seek, `Range: bytes=N-` at a random offset
//!   (what a browser's player sends), reading 64 KiB and then hanging up, as a player does
//!   when it seeks again; and of a closed range, `bytes=N-(N+65535)`, read whole. Median,
//!   95th percentile and maximum of `--seeks` each; every answer's bytes are checked;
//! - the same seek with the file's pages dropped from the page cache first (at most 50),
//!   so the first byte waits for the disk;
//! - the server's resident memory (`VmRSS` in `/proc/<pid>/status`) before any recording
//!   was asked for, its maximum while the whole file is streamed (sampled every 20 ms), and
//!   after; and the stream's throughput.
//!
//! The file is written, not sparse, so each read is of real bytes (from the page cache once
//! written, as a recording that was just played is): every 8-byte word holds its own offset,
//! little-endian, so any range can be checked without keeping the file.
//!
//! $ thematic-bench media --size-mb 1024 --seeks 200

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::{Rng as _, SeedableRng as _};

use crate::release_thematic;
use crate::serve::Server;

/// What a seek reads before hanging up: 64 KiB.
const SEEK_BYTES: u64 = 64 * 1024;

/// Runs the benchmark in a fresh folder under `dir`.
pub fn run(dir: &Path, size_mb: u64, seeks: usize, seed: u64) -> Result<(), String> {
    let exe = release_thematic()?;
    let root = dir.join("thematic-bench-media");
    let _ = std::fs::remove_dir_all(&root);
    let study = thematic_study::Study::init(&root, &thematic_study::InitOptions::new("media"))
        .map_err(|e| e.to_string())?;
    std::fs::write(
        study.transcripts_dir().join("P1.txt"),
        "Interviewer: How did it start?\nP1: I went to the GP.\n",
    )
    .map_err(|e| e.to_string())?;
    let size = size_mb * 1024 * 1024;
    let file = root.join("recording.mp4");
    let t = Instant::now();
    write_pattern(&file, size)?;
    println!(
        "wrote a {size_mb} MiB recording in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    study
        .link_media("P1", &file, false, "bench")
        .map_err(|e| e.to_string())?;
    println!(
        "linked it (fingerprint of both ends) in {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );

    let server = Server::start(&exe, &root)?;
    let (addr, token) = addr_and_token(&server.url)?;
    let pid = server.pid();
    // Let the warming thread finish (the study is tiny), then read the resting memory.
    std::thread::sleep(Duration::from_millis(500));
    let before = rss_kb(pid)?;
    let path = format!("/api/media/P1?token={token}");

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut open = Vec::with_capacity(seeks);
    let mut closed = Vec::with_capacity(seeks);
    for _ in 0..seeks {
        // Offsets on 8-byte words, anywhere but the last 64 KiB.
        let at = rng.random_range(0..(size - SEEK_BYTES) / 8) * 8;
        open.push(seek(addr, &path, at, None)?);
        closed.push(seek(addr, &path, at, Some(at + SEEK_BYTES - 1))?);
    }
    // Cold: the file's pages dropped from the page cache before each seek (GNU dd's
    // `iflag=nocache count=0` drops one file's cache, not the machine's), so the first byte
    // waits for the disk, as a first seek into a recording not played for a while does.
    let mut cold = Vec::new();
    for _ in 0..seeks.min(50) {
        if !drop_cache(&file) {
            println!("(cold seeks skipped: `dd iflag=nocache` did not run)");
            cold.clear();
            break;
        }
        let at = rng.random_range(0..(size - SEEK_BYTES) / 8) * 8;
        cold.push(seek(addr, &path, at, None)?);
    }
    let after_seeks = rss_kb(pid)?;
    let cold_name = format!(
        "bytes=N-, file not in the page cache ({} seeks)",
        cold.len()
    );
    let mut rows = vec![
        ("bytes=N-".to_string(), open),
        ("bytes=N-(N+65535)".to_string(), closed),
    ];
    if !cold.is_empty() {
        rows.push((cold_name, cold));
    }
    for (name, times) in rows {
        let n = times.len();
        let (median, p95, max) = spread(times);
        println!(
            "seek {name}: first byte median {:.2} ms, p95 {:.2} ms, max {:.2} ms ({n} seeks)",
            ms(median),
            ms(p95),
            ms(max)
        );
    }

    // Stream the whole file while sampling the server's memory.
    let peak = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let (streamed, took) = std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                if let Ok(kb) = rss_kb(pid) {
                    peak.fetch_max(kb, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let t = Instant::now();
        let got = stream_all(addr, &path);
        done.store(true, Ordering::Relaxed);
        (got, t.elapsed())
    });
    let streamed = streamed?;
    if streamed != size {
        return Err(format!("streamed {streamed} bytes of {size}"));
    }
    let after = rss_kb(pid)?;
    println!(
        "streamed the whole {size_mb} MiB in {:.1} s ({:.0} MB/s)",
        took.as_secs_f64(),
        size as f64 / 1e6 / took.as_secs_f64()
    );
    println!(
        "server VmRSS: {} MB at rest, {} MB after the seeks, at most {} MB while streaming, \
         {} MB after",
        mb(before),
        mb(after_seeks),
        mb(peak.load(Ordering::Relaxed)),
        mb(after)
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

/// Drops `file`'s pages from the page cache (GNU dd, `iflag=nocache count=0`).
fn drop_cache(file: &Path) -> bool {
    std::process::Command::new("dd")
        .arg(format!("if={}", file.display()))
        .args(["iflag=nocache", "count=0", "status=none"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Writes `size` bytes to `path`, each 8-byte word its own offset (little-endian).
fn write_pattern(path: &Path, size: u64) -> Result<(), String> {
    let mut f = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
    );
    let mut chunk = Vec::with_capacity(1 << 20);
    let mut at = 0u64;
    while at < size {
        chunk.clear();
        let end = (at + (1 << 20)).min(size);
        for word in (at..end).step_by(8) {
            chunk.extend_from_slice(&word.to_le_bytes());
        }
        chunk.truncate((end - at) as usize);
        f.write_all(&chunk).map_err(|e| e.to_string())?;
        at = end;
    }
    f.flush().map_err(|e| e.to_string())
}

/// Whether `bytes`, read from offset `at` (a multiple of 8), are the pattern's.
fn is_pattern(at: u64, bytes: &[u8]) -> bool {
    bytes
        .chunks(8)
        .enumerate()
        .all(|(i, w)| w == &(at + 8 * i as u64).to_le_bytes()[..w.len()])
}

/// The server's address and token, from the URL it printed.
fn addr_and_token(url: &str) -> Result<(SocketAddr, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http:// URL: {url}"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let addr = host.parse().map_err(|e| format!("{url}: {e}"))?;
    let token = path
        .split(['?', '&', '#'])
        .find_map(|kv| kv.strip_prefix("token="))
        .ok_or_else(|| format!("no token in {url}"))?;
    Ok((addr, token.to_string()))
}

/// One seek: `Range: bytes=at-` (or `at-end`), the time from sending the request to the
/// first byte of the body; reads 64 KiB of it, checks them, and hangs up.
fn seek(addr: SocketAddr, path: &str, at: u64, end: Option<u64>) -> Result<Duration, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let range = end.map_or(format!("bytes={at}-"), |e| format!("bytes={at}-{e}"));
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nRange: {range}\r\nConnection: close\r\n\r\n"
    );
    let start = Instant::now();
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::with_capacity(SEEK_BYTES as usize + 1024);
    let mut buf = vec![0u8; 64 * 1024];
    let mut first = None;
    let mut body_at = None;
    loop {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if body_at.is_none()
            && let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n")
        {
            body_at = Some(p + 4);
            let head = String::from_utf8_lossy(&raw[..p]);
            if !head.starts_with("HTTP/1.1 206") {
                return Err(format!("a seek was answered {:?}", head.lines().next()));
            }
        }
        if let Some(b) = body_at {
            if first.is_none() && raw.len() > b {
                first = Some(start.elapsed());
            }
            if (raw.len() - b) as u64 >= SEEK_BYTES {
                break;
            }
        }
    }
    let b = body_at.ok_or("no answer to a seek")?;
    let body = &raw[b..raw.len().min(b + SEEK_BYTES as usize)];
    if body.len() as u64 != SEEK_BYTES || !is_pattern(at, body) {
        return Err(format!("a seek to {at} got other bytes"));
    }
    first.ok_or_else(|| "a seek got no body".to_string())
}

/// Streams the whole recording, discarding it; returns the body's length.
fn stream_all(addr: SocketAddr, path: &str) -> Result<u64, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut head: Vec<u8> = Vec::new();
    let mut in_body = false;
    let mut body = 0u64;
    loop {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        if in_body {
            body += n as u64;
            continue;
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(p) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            if !head.starts_with(b"HTTP/1.1 200") {
                return Err("the whole recording was not answered 200".into());
            }
            in_body = true;
            body = (head.len() - p - 4) as u64;
        }
    }
    Ok(body)
}

/// `VmRSS` of process `pid`, in kB.
fn rss_kb(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS in {path}"))
}

fn spread(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95), at(1.0))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_is_each_words_offset() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r");
        write_pattern(&p, 100).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(bytes.len(), 100);
        // Word 2 (offset 16) holds 16; the last, cut to 4 bytes at 96, holds 96's first 4.
        assert_eq!(&bytes[16..24], &16u64.to_le_bytes());
        assert_eq!(&bytes[96..], &96u64.to_le_bytes()[..4]);
        assert!(is_pattern(16, &bytes[16..]));
        assert!(!is_pattern(8, &bytes[16..]));
    }

    #[test]
    fn the_token_is_read_from_the_url() {
        let (addr, token) = addr_and_token("http://127.0.0.1:8421/?token=ab12").unwrap();
        assert_eq!(addr.port(), 8421);
        assert_eq!(token, "ab12");
    }
}
