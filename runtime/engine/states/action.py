"""Log360 Cloud actions: resolved parameters go to the simulated tenant.

The tenant answers with the reference's success shape or raises an ``ActionError`` whose code
is looked up in the catalog's error table for the HTTP status, title and message: the
message is always the reference's own text for that code and action, and what the tenant
said about this particular call goes beside it as the error's ``detail``. An HTTP 401
is an ``authorization_error``; everything else is an ``execution_error`` (``custom_error``
handlers match codes). Each call takes simulated time (a platform read 0.4 s, a write 0.6 s,
an endpoint agent 2 s), which real-time and scaled runs really wait.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.errors import StepError
from runtime.engine.states.task import TaskHandler

if TYPE_CHECKING:
    from runtime.catalog import CatalogEntry
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import ActionState

FIXTURES_ERROR = "TENANT_FIXTURES_INVALID"
LATENCY = {"read": 0.4, "platform-write": 0.6, "endpoint-change": 2.0}
AGENT_READ_LATENCY = 1.5


class ActionHandler(TaskHandler):
    def __init__(self, name: str, state: ActionState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        entry = playbook.catalog.get(state.action or "")
        if entry is None:
            raise ValueError(f"{name}: unknown action {state.action!r}")
        self.entry: CatalogEntry = entry
        self.checker = entry.parameter_checker
        self.latency = LATENCY.get(entry.side_effect, 0.4)
        if entry.group == "endpoint_agent" and entry.side_effect == "read":
            self.latency = AGENT_READ_LATENCY

    def error_for(self, code: str, message: str | None) -> StepError:
        spec = self.entry.error(code)
        status = spec.http_status if spec else None
        title = spec.title if spec else None
        text = spec.message if spec else (message or "error")
        detail = message if message and message != text else None
        kind = "authorization_error" if status == 401 else "execution_error"
        return StepError(code, text, error_type=kind, http_status=status, title=title,
                         detail=detail)

    def mock_error(self, mock: Any) -> StepError:
        """A mocked error code reads like the real one: the catalog's message, HTTP status and
        title (so a mocked 10001043 is a 401 ``authorization_error``); the profile's own
        message and error type, when it gives them, take precedence."""
        err = self.error_for(mock.error_code, mock.error_message)
        if mock.error_type:
            err.error_type = mock.error_type
        return err

    async def call(
        self, ctx: RunContext, cursor: Cursor, params: dict[str, Any], seq: int, inp: Any
    ) -> tuple[Any, str | None, str | None]:
        from runtime.tenant import ActionError, FixtureError

        await cursor.sleep(self.latency)
        try:
            result = ctx.tenant.call(self.entry.id, params)
        except ActionError as exc:
            raise self.error_for(exc.code, exc.message) from None
        except FixtureError as exc:
            raise StepError(FIXTURES_ERROR, f"the run profile's tenant fixtures are not valid: "
                            f"{exc}") from None
        ctx.log("INFO", f"{self.name}: {self.entry.title} succeeded", seq, cursor.now)
        return result, None, None
