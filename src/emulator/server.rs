//! The emulator's HTTP face: an axum router serving `/almaws/v1/...` behind
//! the gateway middleware, plus admin endpoints for tests and benches
//! (`GET /_emulator/stats`, `GET|POST /_emulator/faults`,
//! `POST /_emulator/limits`, `GET /_emulator/state`). Connections are
//! wrapped so an injected fault can drop one without an answer.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use axum::serve::{IncomingStream, Listener};
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::api::INVALID_REQUEST;
use super::faults::Faults;
use super::gateway::{Format, error_response, gateway};
use super::logins::ReportQuery;
use super::state::Limits;
use super::{Emulator, Refusal, bump};
use crate::alma::wire;

/// A running HTTP emulator. Dropping it (or [`Server::shutdown`]) stops it.
pub struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl Server {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base URL, e.g. `http://127.0.0.1:8025/almaws/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/almaws/v1", self.addr)
    }

    /// Stops accepting, lets open requests finish, and waits.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task)
            .await
            .unwrap_or_else(|e| Err(io::Error::other(e)))
    }

    /// Runs until the server stops on its own (it does not, unless it fails).
    pub async fn wait(mut self) -> io::Result<()> {
        (&mut self.task)
            .await
            .unwrap_or_else(|e| Err(io::Error::other(e)))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves `emulator` on `addr` (use port 0 for a free port) from a task on
/// the current tokio runtime.
pub async fn serve(emulator: Emulator, addr: impl ToSocketAddrs) -> io::Result<Server> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = router(emulator).into_make_service_with_connect_info::<ConnHandle>();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(DroppableListener(listener), app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Server {
        addr,
        stop: Some(stop),
        task,
    })
}

fn router(emulator: Emulator) -> Router {
    let api = Router::new()
        .route("/users", get(list_users))
        .route("/users/staff-login-report", get(staff_logins))
        .route("/users/{id}", get(get_user).put(put_user))
        .route("/conf/general", get(general))
        .route("/conf/code-tables/{name}", get(code_table))
        .route("/conf/libraries", get(libraries))
        .route("/conf/libraries/{code}/circ-desks", get(circ_desks))
        .fallback(unknown_path)
        .layer(axum::middleware::from_fn_with_state(
            emulator.clone(),
            gateway,
        ));
    Router::new()
        .nest("/almaws/v1", api)
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/faults", get(get_faults).post(set_faults))
        .route("/_emulator/limits", axum::routing::post(set_limits))
        .route("/_emulator/state", get(state))
        .with_state(emulator)
}

type Reply = Result<Response, (Refusal, Format)>;

fn ok<T: serde::Serialize>(value: T) -> Reply {
    Ok(Json(value).into_response())
}

fn fail(format: Format) -> impl FnOnce(Refusal) -> (Refusal, Format) {
    move |refusal| (refusal, format)
}

/// Turns a handler's outcome into a response.
struct Answer(Reply);

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self.0 {
            Ok(response) => response,
            Err((refusal, format)) => error_response(refusal, format),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct UserQuery {
    view: Option<String>,
}

async fn get_user(
    Shared(emu): Shared<Emulator>,
    Extension(format): Extension<Format>,
    Path(id): Path<String>,
    Query(query): Query<UserQuery>,
) -> Answer {
    let brief = query.view.as_deref() == Some("brief");
    Answer(
        emu.get_user_op(&id, brief)
            .map_err(fail(format))
            .and_then(ok),
    )
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    limit: Option<String>,
    offset: Option<String>,
    q: Option<String>,
}

/// Paging parameters as numbers (Alma's defaults: limit 10, offset 0).
fn paging(
    emu: &Emulator,
    limit: Option<&str>,
    offset: Option<&str>,
) -> Result<(u64, u64), Refusal> {
    let number = |text: Option<&str>, default: u64| match text {
        None => Ok(default),
        Some(t) => t.trim().parse::<u64>().map_err(|_| {
            emu.refusal(
                400,
                INVALID_REQUEST,
                format!("{t:?} is not a valid number."),
            )
        }),
    };
    Ok((number(limit, 10)?, number(offset, 0)?))
}

async fn list_users(
    Shared(emu): Shared<Emulator>,
    Extension(format): Extension<Format>,
    Query(query): Query<ListQuery>,
) -> Answer {
    let reply = paging(&emu, query.limit.as_deref(), query.offset.as_deref())
        .and_then(|(limit, offset)| emu.list_users_op(offset, limit, query.q.as_deref()));
    Answer(reply.map_err(fail(format)).and_then(ok))
}

async fn staff_logins(
    Shared(emu): Shared<Emulator>,
    Extension(format): Extension<Format>,
    Query(query): Query<ReportQuery>,
) -> Answer {
    let reply = paging(&emu, query.limit.as_deref(), query.offset.as_deref())
        .and_then(|(limit, offset)| query.request(&emu, limit, offset))
        .and_then(|request| emu.staff_logins_op(&request));
    Answer(reply.map_err(fail(format)).and_then(ok))
}

async fn put_user(
    Shared(emu): Shared<Emulator>,
    Extension(format): Extension<Format>,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let reply = match serde_json::from_slice::<wire::User>(&body) {
        Ok(user) => emu.put_user_op(&id, user),
        Err(e) => {
            bump(&emu.shared.counters.rejected_writes);
            Err(emu.refusal(
                400,
                INVALID_REQUEST,
                format!("The user body could not be read: {e}"),
            ))
        }
    };
    Answer(reply.map_err(fail(format)).and_then(ok))
}

async fn general(Shared(emu): Shared<Emulator>) -> Answer {
    Answer(ok(emu.general_op()))
}

async fn code_table(
    Shared(emu): Shared<Emulator>,
    Extension(format): Extension<Format>,
    Path(name): Path<String>,
) -> Answer {
    Answer(emu.code_table_op(&name).map_err(fail(format)).and_then(ok))
}

async fn libraries(Shared(emu): Shared<Emulator>) -> Answer {
    Answer(ok(emu.libraries_op()))
}

async fn circ_desks(
    Shared(emu): Shared<Emulator>,
    Extension(format): Extension<Format>,
    Path(code): Path<String>,
    Query(query): Query<ListQuery>,
) -> Answer {
    let reply = paging(&emu, query.limit.as_deref(), query.offset.as_deref())
        .and_then(|(limit, offset)| emu.circ_desks_op(&code, offset, limit.min(100)));
    Answer(reply.map_err(fail(format)).and_then(ok))
}

async fn unknown_path(
    Shared(emu): Shared<Emulator>,
    Extension(format): Extension<Format>,
) -> Answer {
    let refusal = emu.refusal(404, "ROUTING_ERROR", "No API matches this path.".into());
    Answer(Err((refusal, format)))
}

async fn stats(Shared(emu): Shared<Emulator>) -> Json<super::Stats> {
    Json(emu.stats())
}

async fn get_faults(Shared(emu): Shared<Emulator>) -> Json<Faults> {
    Json(emu.faults())
}

async fn set_faults(Shared(emu): Shared<Emulator>, Json(faults): Json<Faults>) -> StatusCode {
    emu.set_faults(faults);
    StatusCode::NO_CONTENT
}

async fn set_limits(Shared(emu): Shared<Emulator>, Json(limits): Json<Limits>) -> StatusCode {
    emu.set_limits(limits);
    StatusCode::NO_CONTENT
}

async fn state(Shared(emu): Shared<Emulator>) -> Json<super::State> {
    Json(emu.state())
}

/// A TCP listener whose connections can be dropped from a handler.
struct DroppableListener(TcpListener);

impl Listener for DroppableListener {
    type Io = DroppableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let killed = Arc::new(AtomicBool::new(false));
                    return (DroppableStream { stream, killed }, addr);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "emulator: accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A connection that reads as closed and refuses writes once killed, so
/// the server drops it without sending the response.
pub(crate) struct DroppableStream {
    stream: TcpStream,
    killed: Arc<AtomicBool>,
}

/// A handle on one connection, given to the middleware as connect info.
#[derive(Clone, Debug)]
pub(crate) struct ConnHandle(Arc<AtomicBool>);

impl ConnHandle {
    /// Drops the connection: nothing more is written to it.
    pub(crate) fn kill(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl axum::extract::connect_info::Connected<IncomingStream<'_, DroppableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, DroppableListener>) -> Self {
        ConnHandle(stream.io().killed.clone())
    }
}

impl DroppableStream {
    fn killed(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }
}

fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection dropped by fault injection",
    )
}

impl AsyncRead for DroppableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for DroppableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
