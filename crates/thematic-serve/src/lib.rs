//! A coding workspace in the browser: `thematic serve` starts a local web app on 127.0.0.1
//! over a study folder, built on the same crates and writing the same files as the command
//! line.
//!
//! Every request needs the server's random token (in the URL once, then a cookie), so other
//! local users and other web sites can neither read nor change the study. Every change
//! goes through the study's atomic, locked store at once ([`thematic_study::Study::add_coding`],
//! [`thematic_study::Study::update_codings`], [`thematic_study::Study::add_memo`]), so a
//! browser tab and `thematic code` in a terminal can work on one study at the same time.
//! The page is plain HTML, CSS and JavaScript embedded in the binary: nothing is loaded
//! from the internet.
//!
//! ```no_run
//! use thematic_serve::{ServeOptions, run_blocking};
//!
//! let options = ServeOptions::new("/path/to/study", "KW");
//! run_blocking(options, |url| println!("open {url}")).unwrap();
//! ```

mod api;
mod assets;
mod auth;
mod error;
mod extract;
mod model;
mod state;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use thematic_study::Study;

pub use auth::new_token;
pub use error::{ApiError, ServeError};

/// How to serve a study.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The study folder (holding `thematic.toml`).
    pub study: PathBuf,
    /// The acting coder: whose codings and memos are shown and written.
    pub coder: String,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The access token; `None` makes a random one.
    pub token: Option<String>,
}

impl ServeOptions {
    /// Serve `study` for `coder` on a free port with a random token.
    pub fn new(study: impl Into<PathBuf>, coder: impl Into<String>) -> ServeOptions {
        ServeOptions {
            study: study.into(),
            coder: coder.into(),
            port: 0,
            token: None,
        }
    }
}

/// A server bound to its port, not yet answering.
#[derive(Debug)]
pub struct Server {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    state: Arc<state::AppState>,
}

impl Server {
    /// Checks the study and the coder, and binds 127.0.0.1 (never another interface).
    pub async fn bind(options: ServeOptions) -> Result<Server, ServeError> {
        let study = Study::open(&options.study)?;
        if !thematic_study::valid_coder(&options.coder) {
            // The study's own message says what a coder name may hold.
            study.codings_path(&options.coder)?;
        }
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
            .await
            .map_err(|e| ServeError::Bind {
                port: options.port,
                source: e,
            })?;
        let addr = listener.local_addr().map_err(|e| ServeError::Bind {
            port: options.port,
            source: e,
        })?;
        let token = options.token.unwrap_or_else(new_token);
        let state = Arc::new(state::AppState::new(
            study.root().to_path_buf(),
            options.coder,
            token,
            addr.port(),
        ));
        // Read what the transcripts list and the reader need while the researcher opens
        // the page, so the first views of a large study answer at once. A failure here is
        // only a cold start: the request that needs the data reports it.
        let warm = state.clone();
        std::thread::spawn(move || {
            if let Ok(study) = warm.study() {
                warm.model.warm(&study);
            }
        });
        Ok(Server {
            listener,
            addr,
            state,
        })
    }

    /// The address bound (127.0.0.1 and the port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The access token.
    pub fn token(&self) -> &str {
        &self.state.token
    }

    /// The URL to open: `http://127.0.0.1:PORT/?token=…`.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.state.token)
    }

    /// Answers requests until `shutdown` completes.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let app = api::router(self.state);
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(ServeError::Serve)
    }
}

/// Serves until Ctrl-C on a runtime of its own, calling `ready` with the URL once the port
/// is bound. For the command line, which then needs no async code.
pub fn run_blocking(options: ServeOptions, ready: impl FnOnce(&str)) -> Result<(), ServeError> {
    let runtime = runtime()?;
    runtime.block_on(async move {
        let server = Server::bind(options).await?;
        ready(&server.url());
        server
            .run(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ServeError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)
}

/// A server answering on a thread of its own; stopped when dropped. For tests and for
/// embedding in another program.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    /// Binds and starts answering on a new thread.
    pub fn start(options: ServeOptions) -> Result<Running, ServeError> {
        let runtime = runtime()?;
        let server = runtime.block_on(Server::bind(options))?;
        let (addr, token) = (server.addr(), server.token().to_string());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(server.run(async {
                let _ = stopped.await;
            }))
        });
        Ok(Running {
            addr,
            token,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The access token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The URL to open, with the token.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.token)
    }

    /// Stops the server and waits for it.
    pub fn stop(mut self) -> Result<(), ServeError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), ServeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ServeError::Crashed),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}
