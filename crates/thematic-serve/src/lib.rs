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
mod panics;
mod state;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;

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

/// How long the server waits on a client. Every input is bounded: besides these, a write's
/// body may hold at most [`MAX_BODY_BYTES`], and a search query is bounded by
/// `thematic-index` (2,000 characters, 20 levels of nesting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// A request's headers must have arrived this long after the connection opened or the
    /// previous answer was sent; otherwise the connection is closed. This closes idle
    /// connections and ones that send their headers too slowly alike. Default 10 s.
    pub header_timeout: Duration,
    /// A write's body must have arrived this long after its headers; otherwise the request
    /// is answered 408. Default 30 s.
    pub body_timeout: Duration,
    /// On shutdown, requests under way get this long to finish. Default 5 s.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

impl Limits {
    /// The defaults with `header_timeout` and `body_timeout` set to `timeout` (for tests).
    pub fn with_timeouts(timeout: Duration) -> Limits {
        Limits {
            header_timeout: timeout,
            body_timeout: timeout,
            ..Limits::default()
        }
    }
}

/// The largest request body accepted, in bytes (1 MiB); a larger one is answered 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A server bound to its port, not yet answering.
#[derive(Debug)]
pub struct Server {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    state: Arc<state::AppState>,
    limits: Limits,
}

impl Server {
    /// Checks the study and the coder, and binds 127.0.0.1 (never another interface).
    pub async fn bind(options: ServeOptions) -> Result<Server, ServeError> {
        Server::bind_with(options, Limits::default()).await
    }

    /// [`Server::bind`] with other [`Limits`].
    pub async fn bind_with(options: ServeOptions, limits: Limits) -> Result<Server, ServeError> {
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
            limits.body_timeout,
        ));
        // Read the study and compute the slow answers while the researcher opens the page,
        // so the first views of a large study answer at once. A failure here is
        // only a cold start: the request that needs the data reports it.
        let warm = state.clone();
        std::thread::spawn(move || {
            if let Ok(study) = warm.study() {
                api::warm(&warm, &study);
            }
        });
        Ok(Server {
            listener,
            addr,
            state,
            limits,
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

    /// Answers requests until `shutdown` completes, then lets the requests under way finish
    /// (for at most [`Limits::shutdown_grace`]).
    ///
    /// Connections are served by hyper directly rather than through `axum::serve`, which
    /// cannot time out a client that is slow to send its headers.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let service = TowerToHyperService::new(api::router(self.state));
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_timeout);
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let stream = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors or a connection reset while queued: keep
                    // listening, after a pause so a full table does not spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let connection =
                graceful.watch(http.serve_connection(TokioIo::new(stream), service.clone()));
            tokio::spawn(async move {
                // A client that hangs up or times out ends only its own connection.
                let _ = connection.await;
            });
        }
        drop(self.listener);
        let _ = tokio::time::timeout(self.limits.shutdown_grace, graceful.shutdown()).await;
        Ok(())
    }
}

/// Serves until Ctrl-C on a runtime of its own, calling `ready` with the URL once the port
/// is bound. For the command line, which then needs no async code.
///
/// It also replaces the process's panic hook, so a request that fails unexpectedly prints
/// one line on the terminal rather than a stack trace (unless `RUST_BACKTRACE` is set);
/// the request itself is answered 500.
pub fn run_blocking(options: ServeOptions, ready: impl FnOnce(&str)) -> Result<(), ServeError> {
    panics::install_short_hook();
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
        Running::start_with(options, Limits::default())
    }

    /// [`Running::start`] with other [`Limits`].
    pub fn start_with(options: ServeOptions, limits: Limits) -> Result<Running, ServeError> {
        let runtime = runtime()?;
        let server = runtime.block_on(Server::bind_with(options, limits))?;
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
