"""Route matching: most specific path first, then the method (exact before ANY)."""

from devstack.routes import RouteTable
from devstack.template import Route


def _route(path: str, method: str, function: str = "F") -> Route:
    return Route("Api", path, method, function, None)


TABLE = RouteTable(
    [
        _route("/v1/leads/{lead_id}", "GET", "GetLead"),
        _route("/v1/leads/{lead_id}/assign", "POST", "Assign"),
        _route("/v1/leads/special", "GET", "Special"),
        _route("/v1/agents/{agent_id}", "ANY", "AgentAny"),
        _route("/v1/agents/{agent_id}", "DELETE", "AgentDelete"),
        _route("/files/{path+}", "GET", "Files"),
    ]
)


def test_path_parameters_are_extracted_and_decoded() -> None:
    match, known = TABLE.match("GET", "/v1/leads/ld%20123")
    assert match is not None
    assert known
    assert match.route.function_logical_id == "GetLead"
    assert match.path_parameters == {"lead_id": "ld 123"}


def test_a_literal_segment_wins_over_a_parameter() -> None:
    match, _ = TABLE.match("GET", "/v1/leads/special")
    assert match is not None
    assert match.route.function_logical_id == "Special"


def test_an_exact_method_wins_over_any() -> None:
    delete, _ = TABLE.match("DELETE", "/v1/agents/7")
    patch, _ = TABLE.match("PATCH", "/v1/agents/7")
    assert delete is not None
    assert patch is not None
    assert delete.route.function_logical_id == "AgentDelete"
    assert patch.route.function_logical_id == "AgentAny"


def test_greedy_parameters_take_the_rest_of_the_path() -> None:
    match, _ = TABLE.match("GET", "/files/a/b/c.txt")
    assert match is not None
    assert match.path_parameters == {"path": "a/b/c.txt"}


def test_unknown_path_and_unknown_method_are_told_apart() -> None:
    assert TABLE.match("GET", "/nowhere") == (None, False)
    assert TABLE.match("PUT", "/v1/leads/1") == (None, True)
    assert TABLE.match("GET", "/v1/leads/1/assign") == (None, True)
