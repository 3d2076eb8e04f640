"""The template's Cognito user pools and app clients, created in moto under the ids their !Ref stands for.

Cognito picks a pool's and a client's id when it creates them; CloudFormation then hands that id to whoever
refers to the pool. The local stack resolves every !Ref before anything exists, so it fixes the ids from the
logical ids (devstack.intrinsics.user_pool_id_for) and, after creating each pool and client through the
API, files them under those ids in moto's in-process backend (the moto server runs in this process too).
"""

import functools
import json
from typing import TYPE_CHECKING, Any, Final

from devstack.template import Template, UserPool

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient  # type: ignore[import-not-found, unused-ignore]

# CloudFormation's properties that CreateUserPool takes under the same name (UserPoolName is PoolName there).
_POOL_PROPERTIES: Final = (
    "Policies",
    "AutoVerifiedAttributes",
    "UsernameAttributes",
    "Schema",
    "AdminCreateUserConfig",
    "AccountRecoverySetting",
    "DeletionProtection",
    "UserPoolTags",
)
_CLIENT_PROPERTIES: Final = (
    "ClientName",
    "GenerateSecret",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "AccessTokenValidity",
    "IdTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
)


def create_user_pools(template: Template, cognito: "CognitoIdentityProviderClient | Any") -> tuple[str, ...]:
    """Create every user pool of the template with its clients (an existing one is left as it is)."""
    from moto.cognitoidp import models
    from moto.cognitoidp.models import cognitoidp_backends

    models.jwk = _KeysParsedOnce  # type: ignore[attr-defined, assignment, unused-ignore]
    backend = cognitoidp_backends[template.context.account_id][template.context.region]
    for pool in template.user_pools:
        if pool.pool_id in backend.user_pools:
            continue
        created = cognito.create_user_pool(**_pool_request(pool))["UserPool"]["Id"]
        _file_under(backend.user_pools, created, pool.pool_id)
        model = backend.user_pools[pool.pool_id]
        model.id = pool.pool_id
        model.arn = model.arn.rsplit("/", 1)[0] + f"/{pool.pool_id}"
        for _, client_id, properties in pool.clients:
            request = {key: properties[key] for key in _CLIENT_PROPERTIES if key in properties}
            made = cognito.create_user_pool_client(UserPoolId=pool.pool_id, **request)["UserPoolClient"]["ClientId"]
            _file_under(model.clients, made, client_id)
            model.clients[client_id].id = client_id
    return tuple(pool.pool_id for pool in template.user_pools)


class _KeysParsedOnce:
    """Stands for joserfc's `jwk` module in moto's Cognito models, which give every new pool the same signing
    key, parsed from the same file each time: 0.12 s a pool, most of what a test's fresh stack cost. The same
    key text now gives the same (immutable) key object."""

    class RSAKey:
        @staticmethod
        def import_key(value: Any) -> Any:
            return _imported(json.dumps(value, sort_keys=True))


@functools.lru_cache(maxsize=4)
def _imported(text: str) -> Any:
    from joserfc import jwk

    return jwk.RSAKey.import_key(json.loads(text))


def _pool_request(pool: UserPool) -> dict[str, Any]:
    request = {key: pool.properties[key] for key in _POOL_PROPERTIES if key in pool.properties}
    request["PoolName"] = pool.properties.get("UserPoolName", pool.logical_id)
    return request


def _file_under(models: dict[str, Any], created: str, wanted: str) -> None:
    models[wanted] = models.pop(created)
