"""``create_app(settings, clock)``: the sandbox bank as a FastAPI application.

Cross-cutting behaviour lives here, once: ``X-Request-ID`` (required on ``/v1``,
echoed on every answer), error injection (``X-Sandbox-Error`` header or the admin
queue), the optional per-second rate limit, structured request logs, and the one
exception handler that turns errors into the bank's JSON bodies (never a traceback).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from bankbridge.errors import InputError
from bankbridge.sandbox import generator, seed, signing
from bankbridge.sandbox.bank import bank_day, book_generated
from bankbridge.sandbox.clock import Clock
from bankbridge.sandbox.context import SandboxContext, sandbox, templates
from bankbridge.sandbox.logs import logger
from bankbridge.sandbox.problems import ERRORS, BankProblem
from bankbridge.sandbox.routes import accounts, admin, consents, customer, oauth, payments, sca, single_payments
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.store import Store
from bankbridge.sandbox.tables import Account, Entry

Handler = Callable[[Request], Awaitable[Response]]


def create_app(settings: SandboxSettings, clock: Clock) -> FastAPI:
    """A sandbox bank on its own database, seeded (demo seed unless ``settings.seed_file``)."""
    store = Store(settings.database_url)
    store.create_tables()
    loaded = seed.read_seed_file(settings.seed_file)
    with store.unit() as session:
        seed.apply_seed(session, loaded, secret=settings.secret)
        if settings.generate_history and loaded.generate_days:
            _generate_history(session, loaded, bank_day(clock.now(), settings.timezone))
    app = FastAPI(
        title="bankbridge sandbox bank",
        version="1",
        description="A PSD2-style test bank: OAuth2 consent, NextGenPSD2 AIS, pain.001/pain.008 upload.",
    )
    app.state.sandbox = SandboxContext(settings, clock, store, templates())
    for prefix in ("/oauth2", "/oauth2-premium"):
        app.include_router(oauth.router, prefix=prefix)
    for module in (admin, sca, consents, accounts, payments, single_payments, customer):
        app.include_router(module.router)
    app.add_api_route(
        "/.well-known/oauth-authorization-server",
        _discovery,
        methods=["GET"],
        tags=["oauth2"],
        summary="OAuth server metadata (RFC 8414)",
    )
    _handlers(app)
    app.middleware("http")(_RateLimit(settings, clock))
    if settings.verify_signatures:
        app.middleware("http")(_verify_signature)
    app.middleware("http")(_inject)
    app.middleware("http")(_request_id)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret, session_cookie="sandbox_bank")
    return app


def _generate_history(session: Session, loaded: seed.Seed, today: date) -> None:
    """Book the seed's generated history on accounts that have no entries yet."""
    start = today - timedelta(days=loaded.generate_days)
    for account in session.scalars(select(Account)):
        if session.scalar(select(Entry.id).where(Entry.account_id == account.id).limit(1)) is None:
            entries = generator.generate(loaded.generate_seed, account.iban, start, loaded.generate_days)
            book_generated(session, account, entries)


def _discovery(request: Request) -> dict[str, object]:
    return oauth.discovery(str(request.base_url).rstrip("/"), "/oauth2")


def _problem(problem: BankProblem) -> JSONResponse:
    return JSONResponse(problem.body(), status_code=problem.status, headers=problem.headers())


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(BankProblem)
    async def bank_problem(_request: Request, exc: BankProblem) -> Response:
        return _problem(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in {"body", "query"})
        return _problem(BankProblem("FORMAT_ERROR", f"{where}: {first.get('msg', 'invalid')}", path=where))

    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> Response:
        return _problem(BankProblem("FORMAT_ERROR", str(exc)))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        logger.exception("unhandled error", extra={"path": request.url.path})
        return JSONResponse(
            {
                "tppMessages": [
                    {
                        "category": "ERROR",
                        "code": "INTERNAL_SERVER_ERROR",
                        "text": "The sandbox bank failed; see its log.",
                    }
                ]
            },
            status_code=500,
        )


async def _request_id(request: Request, call_next: Handler) -> Response:
    """Require ``X-Request-ID`` on the PSD2 API, echo it, log the call as one JSON line."""
    started = time.perf_counter()
    request_id = request.headers.get("x-request-id")
    if request.url.path.startswith("/v1") and not _is_uuid(request_id):
        response: Response = _problem(
            BankProblem("FORMAT_ERROR", "X-Request-ID (a UUID) is required.", path="X-Request-ID")
        )
    else:
        response = await call_next(request)
    response.headers["X-Request-ID"] = request_id or str(uuid.uuid4())
    logger.info(
        "request",
        extra={
            "method": request.method,
            "path": request.url.path,
            "status": response.status_code,
            "request_id": response.headers["X-Request-ID"],
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "sandbox_time": sandbox(request).clock.now().isoformat(),
        },
    )
    return response


def _is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(value or "")
    except ValueError:
        return False
    return True


async def _inject(request: Request, call_next: Handler) -> Response:
    """Answer with an injected error: ``X-Sandbox-Error: CODE`` or one queued by the admin API."""
    path = request.url.path
    if path.startswith(("/admin", "/health")):
        return await call_next(request)
    code = request.headers.get("x-sandbox-error") or sandbox(request).injections.take(path)
    if code is None:
        return await call_next(request)
    if code not in ERRORS:
        return _problem(BankProblem("FORMAT_ERROR", f"Unknown X-Sandbox-Error {code!r}.", path="X-Sandbox-Error"))
    retry = 1 if code == "RATE_LIMIT_EXCEEDED" else None
    return _problem(BankProblem(code, retry_after=retry))


async def _verify_signature(request: Request, call_next: Handler) -> Response:
    """Refuse unsigned or badly signed ``/v1`` calls (when ``verify_signatures`` is on)."""
    if request.url.path.startswith("/v1"):
        try:
            signing.verify(request.headers, await request.body(), sandbox(request).clock.now())
        except BankProblem as problem:
            return _problem(problem)
    return await call_next(request)


class _RateLimit:
    """At most ``rate_limit_per_second`` API calls per client per clock second (429 + Retry-After)."""

    def __init__(self, settings: SandboxSettings, clock: Clock) -> None:
        self.limit = settings.rate_limit_per_second
        self.clock = clock
        self.calls: defaultdict[tuple[str, int], int] = defaultdict(int)
        self.lock = threading.Lock()

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        path = request.url.path
        if self.limit is None or not path.startswith(("/v1", "/oauth2")):
            return await call_next(request)
        who = (
            request.headers.get("x-ibm-client-id")
            or request.headers.get("authorization")
            or (request.client.host if request.client else "?")
        )
        second = int(self.clock.now().timestamp())
        with self.lock:
            for key in [k for k in self.calls if k[1] < second]:
                del self.calls[key]
            self.calls[(who, second)] += 1
            over = self.calls[(who, second)] > self.limit
        if over:
            return _problem(BankProblem("RATE_LIMIT_EXCEEDED", retry_after=1))
        return await call_next(request)
