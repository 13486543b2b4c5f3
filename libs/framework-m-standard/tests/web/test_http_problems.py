"""Errors answer by class, not by string: an application's own error class takes the status of its
nearest ancestor in the taxonomy and keeps its own machine code.

A real server process serves an app whose controller hook and ``@rpc`` function raise the error named
in the request, so each case travels the whole way: Kernel, exception handler, problem+json.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator

import httpx
import pytest

from framework_m_core.testing.projects import install_app
from framework_m_standard.web.testing import ServerProcess, free_port, uvicorn_command

APP_MODULE = textwrap.dedent("""
    from framework_m import App, Controller, DocType, rpc
    from framework_m_core.errors import (
        AdapterError,
        ConfigurationError,
        Conflict,
        DocumentSubmitted,
        DuplicateName,
        FieldError,
        FrameworkError,
        InvalidTransition,
        LinkValidation,
        MissingDependencyError,
        NotFound,
        PermissionDenied,
        QueryError,
        RateLimited,
        Unauthenticated,
        ValidationError,
        VersionConflict,
    )


    class Overbooked(ValidationError):
        code = "overbooked"


    class FullyBooked(Overbooked):
        code = "fully_booked"


    class RoomGone(NotFound):
        code = "room_gone"


    class DoubleBooking(Conflict):
        code = "double_booking"


    class NotYourRoom(PermissionDenied):
        code = "not_your_room"


    class BadRoomFilter(QueryError):
        code = "bad_room_filter"


    class StaleBooking(VersionConflict):
        code = "stale_booking"


    class SlowDown(RateLimited):
        code = "slow_down"


    class TicketExpired(Unauthenticated):
        code = "ticket_expired"


    class PaymentGatewayDown(AdapterError):
        code = "payment_gateway_down"


    class Mystery(FrameworkError):
        code = "mystery"


    SECRET = "hunter2-database-password"

    ERRORS = {
        "overbooked": lambda: Overbooked("room 12 is overbooked", [FieldError(["room"], "no beds left")]),
        "fully_booked": lambda: FullyBooked("the hotel is full"),
        "room_gone": lambda: RoomGone("room 12 was demolished"),
        "double_booking": lambda: DoubleBooking("room 12 is booked twice", retryable=True),
        "not_your_room": lambda: NotYourRoom("room 12 belongs to someone else"),
        "bad_room_filter": lambda: BadRoomFilter("rooms cannot be filtered by colour"),
        "stale_booking": lambda: StaleBooking("someone changed the booking"),
        "slow_down": lambda: SlowDown("too many bookings", retry_after=7),
        "ticket_expired": lambda: TicketExpired("the ticket expired"),
        "payment_gateway_down": lambda: PaymentGatewayDown(f"gateway said {SECRET}"),
        "mystery": lambda: Mystery(f"mystery {SECRET}"),
        "plain": lambda: RuntimeError(f"plain {SECRET}"),
        # The framework's own classes, each exactly as it answered before errors resolved by class.
        "ValidationError": lambda: ValidationError("invalid"),
        "QueryError": lambda: QueryError("bad query"),
        "LinkValidation": lambda: LinkValidation("dangling link"),
        "PermissionDenied": lambda: PermissionDenied("no"),
        "Unauthenticated": lambda: Unauthenticated("who are you"),
        "RateLimited": lambda: RateLimited("slow down", retry_after=3),
        "NotFound": lambda: NotFound("gone"),
        "Conflict": lambda: Conflict("conflict"),
        "VersionConflict": lambda: VersionConflict("stale"),
        "DuplicateName": lambda: DuplicateName("taken"),
        "DocumentSubmitted": lambda: DocumentSubmitted("submitted"),
        "InvalidTransition": lambda: InvalidTransition("not from here"),
        "AdapterError": lambda: AdapterError(f"driver said {SECRET}"),
        "ConfigurationError": lambda: ConfigurationError(f"misconfigured {SECRET}"),
        "MissingDependencyError": lambda: MissingDependencyError(f"install {SECRET}"),
        "FrameworkError": lambda: FrameworkError(f"generic {SECRET}"),
    }


    class Booking(DocType):
        room: str
        trouble: str = ""

        class Meta:
            api_resource = True
            permissions = {"Clerk": ["read", "write", "create"]}


    class BookingController(Controller[Booking]):
        def validate(self) -> None:
            if self.doc.trouble:
                raise ERRORS[self.doc.trouble]()


    @rpc(allow_guest=True)
    def book(trouble: str) -> str:
        raise ERRORS[trouble]()


    app = App(name="hotel", doctypes=[Booking], controllers={"Booking": BookingController}, rpc=[book])
""")

CLERK = {"X-User-Id": "cleo", "X-Roles": "Clerk"}
SECRET = "hunter2-database-password"
PROBLEM_KEYS = {"type", "title", "status", "instance", "code", "request_id", "detail"}

APP_ERRORS = [
    pytest.param("overbooked", 422, id="ValidationError subclass"),
    pytest.param("fully_booked", 422, id="subclass of a ValidationError subclass"),
    pytest.param("room_gone", 404, id="NotFound subclass"),
    pytest.param("double_booking", 409, id="Conflict subclass"),
    pytest.param("not_your_room", 403, id="PermissionDenied subclass"),
    pytest.param("bad_room_filter", 400, id="QueryError subclass: 400, not ValidationError's 422"),
    pytest.param("stale_booking", 409, id="VersionConflict subclass"),
    pytest.param("slow_down", 429, id="RateLimited subclass"),
    pytest.param("ticket_expired", 401, id="Unauthenticated subclass"),
]

CORE_ERRORS = [
    ("ValidationError", 422, "validation"),
    ("QueryError", 400, "invalid_query"),
    ("LinkValidation", 422, "link_validation"),
    ("PermissionDenied", 403, "permission_denied"),
    ("Unauthenticated", 401, "unauthenticated"),
    ("RateLimited", 429, "rate_limited"),
    ("NotFound", 404, "not_found"),
    ("Conflict", 409, "conflict"),
    ("VersionConflict", 409, "version_conflict"),
    ("DuplicateName", 409, "duplicate_name"),
    ("DocumentSubmitted", 409, "document_submitted"),
    ("InvalidTransition", 409, "invalid_transition"),
    ("AdapterError", 503, "adapter"),
    ("ConfigurationError", 500, "internal"),
    ("MissingDependencyError", 500, "internal"),
    ("FrameworkError", 500, "internal"),
]

RAISERS = ("hook", "rpc")


def raise_through(http: httpx.Client, raiser: str, trouble: str) -> httpx.Response:
    """Make the app raise ``trouble``: from a controller hook while creating a document, or from an
    ``@rpc`` function."""
    if raiser == "hook":
        return http.post("/api/v1/Booking", json={"room": "12", "trouble": trouble}, headers=CLERK)
    return http.post("/api/v1/rpc/fn/hotel_app.book", json={"trouble": trouble})


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The hotel app (installed through a real dist-info entry point) served on SQLite."""
    root = tmp_path_factory.mktemp("problems")
    install_app(root, "hotel_app", APP_MODULE, app_name="hotel")
    (root / "framework_config.toml").write_text(
        f'apps = ["hotel"]\n[database]\nurl = "sqlite:///{root}/hotel.sqlite3"\n'
        "[web]\ntrust_gateway_headers = true\n"
    )
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "FRAMEWORK_M_CONFIG": str(root / "framework_config.toml"),
    }
    with (
        ServerProcess(uvicorn_command(port), cwd=root, port=port, env=env) as running,
        httpx.Client(base_url=running.base, timeout=10) as client,
    ):
        yield client


def _problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@pytest.mark.parametrize("raiser", RAISERS)
@pytest.mark.parametrize(("trouble", "status"), APP_ERRORS)
def test_an_app_error_takes_its_nearest_ancestors_status_and_keeps_its_code(
    http: httpx.Client, raiser: str, trouble: str, status: int
) -> None:
    body = _problem(raise_through(http, raiser, trouble), status)
    assert body["code"] == trouble
    assert body["type"] == f"urn:framework-m:problem:{trouble}"
    assert body["detail"]


def test_an_app_validation_error_keeps_its_field_errors(http: httpx.Client) -> None:
    body = _problem(raise_through(http, "hook", "overbooked"), 422)
    assert body["errors"] == [{"loc": ["room"], "message": "no beds left", "type": "invalid"}]
    assert body["title"] == "Invalid input"


def test_app_errors_get_the_headers_of_their_status(http: httpx.Client) -> None:
    slow = raise_through(http, "rpc", "slow_down")
    expired = raise_through(http, "rpc", "ticket_expired")
    assert (slow.status_code, slow.headers["retry-after"]) == (429, "7")
    assert expired.status_code == 401
    assert expired.headers["www-authenticate"] == 'Bearer realm="framework-m"'


def test_an_app_adapter_error_is_503_without_the_drivers_message(http: httpx.Client) -> None:
    response = raise_through(http, "rpc", "payment_gateway_down")
    body = _problem(response, 503)
    assert (body["code"], body["detail"]) == (
        "payment_gateway_down",
        "a backing service is unavailable",
    )
    assert SECRET not in response.text


@pytest.mark.parametrize(("name", "status", "code"), CORE_ERRORS, ids=[c[0] for c in CORE_ERRORS])
def test_the_frameworks_own_errors_answer_as_before(
    http: httpx.Client, name: str, status: int, code: str
) -> None:
    response = raise_through(http, "rpc", name)
    body = _problem(response, status)
    assert body["code"] == code
    assert SECRET not in response.text


@pytest.mark.parametrize(
    "trouble",
    [
        pytest.param("plain", id="not a framework error"),
        pytest.param("mystery", id="framework error with no mapped ancestor"),
    ],
)
@pytest.mark.parametrize("raiser", RAISERS)
def test_anything_else_is_a_bare_500_that_leaks_nothing(
    http: httpx.Client, raiser: str, trouble: str
) -> None:
    response = raise_through(http, raiser, trouble)
    body = _problem(response, 500)
    assert set(body) == PROBLEM_KEYS
    assert (body["code"], body["title"]) == ("internal", "Internal server error")
    assert body["detail"] == f"an internal error occurred; quote request id {body['request_id']}"
    assert SECRET not in response.text
    assert trouble not in response.text
