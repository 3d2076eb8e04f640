"""Console users in an Amazon Cognito user pool: invited, listed by company, signed in, signed out, removed.

The user's company, role and scope are custom attributes that only the service writes (the app client may
read them, not write them). A company's users are also in a group named after it, so that listing them is
one ListUsersInGroup and never a scan of the pool. Cognito sends no email here: the service sends the
invitation itself (service/console_users.py), the same way in AWS and in the local stack."""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrouter.domain.console_users import ConsoleUser, NewPasswordRequired, Tokens
from leadrouter.domain.errors import Conflict, InvalidInput, Unauthorized, Unavailable
from leadrouter.domain.principals import Role

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient  # type: ignore[import-not-found, unused-ignore]

_REFUSED_SIGN_IN = "The email or the password is not right."
# Cognito's answers to a wrong email or password, an unconfirmed or disabled user: one message for all, so
# that the sign-in page never tells whether an address has an account.
_SIGN_IN_REFUSALS = frozenset(
    {"NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException", "PasswordResetRequiredException"}
)
_SESSION_ENDED = frozenset({"NotAuthorizedException", "UserNotFoundException"})
_THROTTLED = frozenset({"TooManyRequestsException", "LimitExceededException"})


def _group(company_id: str) -> str:
    return f"company-{company_id}"


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _attributes(attributes: list[Mapping[str, Any]]) -> dict[str, str]:
    return {str(item["Name"]): str(item.get("Value", "")) for item in attributes}


def user_of(username: str, attributes: list[Mapping[str, Any]]) -> ConsoleUser | None:
    """The console user behind Cognito's attributes; None when they name no company or role."""
    values = _attributes(attributes)
    role, company = values.get("custom:role", ""), values.get("custom:company_id", "")
    if not company or role not in {item.value for item in Role}:
        return None
    agent = values.get("custom:agent_id", "")
    return ConsoleUser(
        user_id=values.get("sub", username),
        email=values.get("email", ""),
        company_id=company,
        role=Role(role),
        agent_id=int(agent) if agent.isdigit() else None,
        office_ids=tuple(office for office in values.get("custom:office_ids", "").split(",") if office),
    )


class CognitoUsers:
    def __init__(self, client: "Callable[[], CognitoIdentityProviderClient]", pool_id: str, client_id: str) -> None:
        self._client = client
        self._pool = pool_id
        self._app = client_id

    def create(
        self, email: str, company_id: str, role: Role, agent_id: int | None, office_ids: tuple[str, ...], password: str
    ) -> ConsoleUser:
        """A new user who must choose their own password at the first sign-in (`password` is temporary)."""
        attributes = {
            "email": email,
            "email_verified": "true",
            "custom:company_id": company_id,
            "custom:role": role.value,
            "custom:agent_id": "" if agent_id is None else str(agent_id),
            "custom:office_ids": ",".join(office_ids),
        }
        try:
            created = self._client().admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items() if value],
                TemporaryPassword=password,
                MessageAction="SUPPRESS",
            )["User"]
        except ClientError as error:
            if _code(error) == "UsernameExistsException":
                raise Conflict("email: somebody already signs in with this address") from error
            if _code(error) == "InvalidParameterException":
                raise InvalidInput("email: Cognito does not take this address") from error
            if _code(error) in _THROTTLED:
                raise Unavailable("Too many invitations at once; try again in a moment.") from error
            raise
        user = user_of(str(created["Username"]), list(created.get("Attributes", [])))
        assert user is not None  # the attributes were just written
        client = self._client()
        try:
            client.create_group(UserPoolId=self._pool, GroupName=_group(company_id))
        except ClientError as error:
            if _code(error) != "GroupExistsException":
                raise
        client.admin_add_user_to_group(UserPoolId=self._pool, Username=user.user_id, GroupName=_group(company_id))
        return user

    def list_for_company(self, company_id: str) -> list[ConsoleUser]:
        users: list[ConsoleUser] = []
        request: dict[str, Any] = {"UserPoolId": self._pool, "GroupName": _group(company_id), "Limit": 60}
        while True:
            try:
                page = self._client().list_users_in_group(**request)
            except ClientError as error:
                if _code(error) == "ResourceNotFoundException":  # no user yet: no group yet
                    return users
                raise
            for item in page.get("Users", []):
                user = user_of(str(item["Username"]), list(item.get("Attributes", [])))
                if user is not None and user.company_id == company_id:
                    users.append(user)
            if not page.get("NextToken"):
                return sorted(users, key=lambda user: user.email)
            request["NextToken"] = page["NextToken"]

    def find(self, user_id: str) -> ConsoleUser | None:
        try:
            found = self._client().admin_get_user(UserPoolId=self._pool, Username=user_id)
        except ClientError as error:
            if _code(error) == "UserNotFoundException":
                return None
            raise
        return user_of(str(found["Username"]), list(found.get("UserAttributes", [])))

    def delete(self, user_id: str) -> None:
        """Sign the user out everywhere, then remove them: their sessions end at once, and their refresh
        tokens renew nothing."""
        user = self.find(user_id)
        if user is None:
            return
        client = self._client()
        try:
            # By the address they sign in with: Cognito takes it or the id alike, and the local stack's moto
            # revokes refresh tokens only under the name they signed in with (and fails a refresh otherwise).
            client.admin_user_global_sign_out(UserPoolId=self._pool, Username=user.email or user_id)
            client.admin_delete_user(UserPoolId=self._pool, Username=user_id)
        except ClientError as error:
            if _code(error) != "UserNotFoundException":
                raise

    def set_password(self, user_id: str, password: str, *, permanent: bool) -> None:
        self._client().admin_set_user_password(
            UserPoolId=self._pool, Username=user_id, Password=password, Permanent=permanent
        )

    def sign_in(self, email: str, password: str) -> Tokens | NewPasswordRequired:
        try:
            answer = self._client().initiate_auth(
                ClientId=self._app,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except ClientError as error:
            if _code(error) in _SIGN_IN_REFUSALS:
                raise Unauthorized(_REFUSED_SIGN_IN) from error
            raise
        return self._outcome(answer)

    def choose_password(self, email: str, session: str, password: str) -> Tokens | NewPasswordRequired:
        try:
            answer = self._client().respond_to_auth_challenge(
                ClientId=self._app,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=session,
                ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": password},
            )
        except ClientError as error:
            if _code(error) == "InvalidPasswordException":
                raise InvalidInput(f"password: {error.response['Error'].get('Message', 'too weak')}") from error
            if _code(error) in _SIGN_IN_REFUSALS | {"CodeMismatchException", "ExpiredCodeException"}:
                raise Unauthorized("This sign-in expired: sign in again with the emailed password.") from error
            raise
        return self._outcome(answer)

    @staticmethod
    def _outcome(answer: Mapping[str, Any]) -> Tokens | NewPasswordRequired:
        if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            return NewPasswordRequired(session=str(answer["Session"]))
        result = answer.get("AuthenticationResult") or {}
        if "AccessToken" not in result:
            raise Unauthorized(f"Cognito asks for {answer.get('ChallengeName')}, which the console does not offer.")
        refresh = result.get("RefreshToken")
        return Tokens(
            access_token=str(result["AccessToken"]),
            expires_in=int(result.get("ExpiresIn", 3600)),
            refresh_token=str(refresh) if refresh else None,
        )

    def refresh(self, refresh_token: str) -> Tokens | None:
        """A new access token for a session's refresh token (REFRESH_TOKEN_AUTH, which the app client allows);
        None once the refresh token expired or was revoked (a sign-out, the user removed) or is not one."""
        try:
            answer = self._client().initiate_auth(
                ClientId=self._app, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token}
            )
        except ClientError as error:
            if _code(error) in _SESSION_ENDED | {"ResourceNotFoundException"}:
                return None
            if _code(error) in _THROTTLED:
                raise Unavailable("Too many sign-ins at once; try again in a moment.") from error
            raise
        result = answer.get("AuthenticationResult") or {}
        if "AccessToken" not in result:
            return None
        return Tokens(access_token=str(result["AccessToken"]), expires_in=int(result.get("ExpiresIn", 3600)))

    def who(self, access_token: str) -> ConsoleUser | None:
        """The user an access token stands for, now; None once it expired, was revoked or its user deleted."""
        try:
            found = self._client().get_user(AccessToken=access_token)
        except ClientError as error:
            if _code(error) in _SESSION_ENDED:
                return None
            raise
        return user_of(str(found["Username"]), list(found.get("UserAttributes", [])))

    def sign_out(self, access_token: str) -> None:
        """Every token of the user ends, refresh tokens included (GlobalSignOut: RevokeToken would end this
        browser's alone, but the local stack's moto does not offer it; docs/DECISIONS.md)."""
        try:
            self._client().global_sign_out(AccessToken=access_token)
        except ClientError as error:
            if _code(error) not in _SESSION_ENDED:
                raise
