"""python -m leadrouter_cli create-operator-key --stack-name lead-router-dev [--region us-east-1]
python -m leadrouter_cli create-operator-key --table-name T --endpoint-url http://127.0.0.1:PORT
python -m leadrouter_cli recover-admin-key --company-id C --reason "..." (--stack-name S | --table-name T ...)
python -m leadrouter_cli openapi > layers/shared/leadrouter/api/openapi.json   (docs/openapi.json links to it)"""

import argparse
import getpass
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "shared"))

import boto3

from leadrouter.domain.errors import NotFound
from leadrouter_cli import create_operator_key, recover_admin_key


def _table_of_stack(stack_name: str, region: str | None) -> str:
    cloudformation = boto3.client("cloudformation", region_name=region)
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    for output in stack.get("Outputs", []):
        if output["OutputKey"] == "TableName":
            return output["OutputValue"]
    raise SystemExit(f"stack {stack_name} has no TableName output")


def _where(command: argparse.ArgumentParser) -> None:
    where = command.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack-name", help="a deployed stack: its TableName output is used")
    where.add_argument("--table-name", help="the table itself (local stack: see .local/stack.json)")
    command.add_argument("--endpoint-url", help="an emulated AWS endpoint, e.g. the local stack's")
    command.add_argument("--region", default=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="leadrouter_cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-operator-key", help="create an operator key and print it once")
    _where(create)
    create.add_argument("--label", default="operator")
    recover = commands.add_parser(
        "recover-admin-key", help="issue a new admin key for a company that lost its own, and print it once"
    )
    _where(recover)
    recover.add_argument("--company-id", required=True)
    recover.add_argument("--reason", required=True, help="why; recorded on the key with who and when")
    commands.add_parser("openapi", help="print the OpenAPI document the service serves")
    args = parser.parse_args(argv)
    if args.command == "openapi":
        from leadrouter.api.catalog import openapi_document

        print(json.dumps(json.loads(openapi_document()), indent=2))
        return 0
    table = args.table_name or _table_of_stack(args.stack_name, args.region)
    dynamodb = boto3.client("dynamodb", region_name=args.region, endpoint_url=args.endpoint_url)
    if args.command == "recover-admin-key":
        try:
            secret = recover_admin_key(dynamodb, table, args.company_id, args.reason, who=getpass.getuser())
        except NotFound:
            raise SystemExit(f"no company {args.company_id} in table {table}") from None
    else:
        secret = create_operator_key(dynamodb, table, args.label)
    print(secret)  # the one place the secret is shown
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
