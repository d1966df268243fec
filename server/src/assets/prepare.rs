//! Finish a Trunk build: write the service worker and precompress assets.
//!
//! Runs as Trunk's post-build hook (`confidant-server prepare-assets`), so a
//! plain `trunk build` produces a complete, deployable `dist/`.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::service_worker;

/// Extensions worth compressing; images are already compressed.
const COMPRESSIBLE: &[&str] = &["html", "js", "wasm", "css", "webmanifest", "json", "svg", "txt"];

/// What a prepared build holds.
#[derive(Debug)]
pub struct PreparedBuild {
    /// Hash of every precached file: the service worker's version.
    pub version: String,
    /// URL paths the service worker precaches.
    pub precache: Vec<String>,
    /// Files that got `.br` and `.gz` siblings.
    pub compressed: usize,
}

/// Why a build could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("no index.html in {0}: is this a Trunk build folder?")]
    NotABuild(PathBuf),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> PrepareError + '_ {
    move |source| PrepareError::Io { path: path.to_path_buf(), source }
}

/// Write `sw.js` into `dist` and a `.br` and `.gz` beside each text asset.
pub fn prepare(dist: &Path) -> Result<PreparedBuild, PrepareError> {
    if !dist.join("index.html").is_file() {
        return Err(PrepareError::NotABuild(dist.to_path_buf()));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dist) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dist).to_path_buf();
            PrepareError::Io { path, source: e.into() }
        })?;
        if let (true, Ok(rel)) = (entry.file_type().is_file(), entry.path().strip_prefix(dist)) {
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    files.retain(|rel| rel != "sw.js" && !rel.ends_with(".br") && !rel.ends_with(".gz"));
    files.sort();

    let mut hasher = Sha256::new();
    for rel in &files {
        let path = dist.join(rel);
        hasher.update(rel.as_bytes());
        hasher.update(std::fs::read(&path).map_err(io_error(&path))?);
    }
    let version = hex::encode(&hasher.finalize()[..8]);
    let precache: Vec<String> = files.iter().map(|rel| format!("/{rel}")).collect();

    let sw_path = dist.join("sw.js");
    std::fs::write(&sw_path, service_worker::render(&version, &precache))
        .map_err(io_error(&sw_path))?;

    let mut compressed = 0;
    for rel in files.iter().map(String::as_str).chain(["sw.js"]) {
        let ext = rel.rsplit('.').next().unwrap_or("");
        if COMPRESSIBLE.contains(&ext) {
            compress(&dist.join(rel))?;
            compressed += 1;
        }
    }
    Ok(PreparedBuild { version, precache, compressed })
}

/// Write `<file>.br` (brotli, best) and `<file>.gz` (gzip, best).
fn compress(path: &Path) -> Result<(), PrepareError> {
    let raw = std::fs::read(path).map_err(io_error(path))?;

    let br_path = sibling(path, "br");
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        writer.write_all(&raw).map_err(io_error(path))?;
    }
    std::fs::write(&br_path, br).map_err(io_error(&br_path))?;

    let gz_path = sibling(path, "gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw).map_err(io_error(path))?;
    let gz = gz.finish().map_err(io_error(path))?;
    std::fs::write(&gz_path, gz).map_err(io_error(&gz_path))?;
    Ok(())
}

fn sibling(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_worker_and_compressed_siblings() {
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(dist.path().join("index.html"), "<html>hello</html>".repeat(50)).unwrap();
        std::fs::write(dist.path().join("app-0123456789abcdef.js"), "console.log(1)").unwrap();
        std::fs::create_dir(dist.path().join("icons")).unwrap();
        std::fs::write(dist.path().join("icons/icon-192.png"), [137, 80, 78, 71]).unwrap();

        let build = prepare(dist.path()).unwrap();
        assert_eq!(
            build.precache,
            vec!["/app-0123456789abcdef.js", "/icons/icon-192.png", "/index.html"]
        );
        let sw = std::fs::read_to_string(dist.path().join("sw.js")).unwrap();
        assert!(sw.contains(&build.version));
        assert!(sw.contains("/icons/icon-192.png"));
        assert!(dist.path().join("index.html.br").is_file());
        assert!(dist.path().join("index.html.gz").is_file());
        assert!(dist.path().join("sw.js.br").is_file());
        assert!(!dist.path().join("icons/icon-192.png.br").exists());

        // Running again (a rebuild) gives the same version and does not precache
        // its own outputs.
        let again = prepare(dist.path()).unwrap();
        assert_eq!(again.version, build.version);
        assert_eq!(again.precache, build.precache);

        // Any change to the app changes the version, so users get an update.
        std::fs::write(dist.path().join("app-0123456789abcdef.js"), "console.log(2)").unwrap();
        assert_ne!(prepare(dist.path()).unwrap().version, build.version);
    }

    #[test]
    fn refuses_a_folder_without_an_app() {
        let dist = tempfile::tempdir().unwrap();
        assert!(matches!(prepare(dist.path()), Err(PrepareError::NotABuild(_))));
    }
}
