"""A tiny SAM project of toy functions, written into a temporary folder for the devstack tests."""

import textwrap
from pathlib import Path

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31

Parameters:
  SenderEmail:
    Type: String
    Default: robot@toy.test

Globals:
  Function:
    Runtime: python3.13
    Timeout: 5
    MemorySize: 256
    Environment:
      Variables:
        GREETING: !Sub "hello from ${AWS::StackName}"
        TABLE_NAME: !Ref ToyTable
        EVENT_BUS_NAME: !Ref ToyBus
        SCHEDULE_GROUP_NAME: !Ref ToyTimers
        TIMER_FUNCTION_ARN: !GetAtt TimerFunction.Arn
        SENDER_EMAIL: !Ref SenderEmail

Resources:
  ToyTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: PK, AttributeType: S}
      KeySchema:
        - {AttributeName: PK, KeyType: HASH}
      TimeToLiveSpecification: {AttributeName: expiration, Enabled: true}

  ToyBus:
    Type: AWS::Events::EventBus
    Properties:
      Name: !Sub "${AWS::StackName}-toy-events"

  ToyTimers:
    Type: AWS::Scheduler::ScheduleGroup
    Properties:
      Name: !Sub "${AWS::StackName}-toy-timers"

  ToyApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: test
      Auth:
        DefaultAuthorizer: Keys
        Authorizers:
          Keys:
            FunctionPayloadType: REQUEST
            FunctionArn: !GetAtt AuthFunction.Arn
            Identity:
              Headers: [Authorization]
      GatewayResponses:
        UNAUTHORIZED:
          StatusCode: "401"
          ResponseTemplates:
            application/json: '{"error": {"code": "unauthorized", "message": "toy: no key"}}'
        ACCESS_DENIED:
          StatusCode: "403"
          ResponseTemplates:
            application/json: '{"error": {"code": "forbidden", "message": "toy: denied"}}'

  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-auth"
      CodeUri: functions/auth/
      Handler: app.handler

  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/echo/
      Handler: app.handler
      Events:
        Thing:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: "/things/{thing_id}", Method: GET, Auth: {Authorizer: NONE}}
        SpecialThing:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: /things/special, Method: GET, Auth: {Authorizer: NONE}}
        Form:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: /forms, Method: POST, Auth: {Authorizer: NONE}}
        Private:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: "/private/{proxy+}", Method: ANY}

  CrashFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/crash/
      Handler: app.handler
      Events:
        Crash:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: /crash, Method: GET, Auth: {Authorizer: NONE}}

  MalformedFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/crash/
      Handler: app.malformed
      Events:
        Malformed:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: /malformed, Method: GET, Auth: {Authorizer: NONE}}

  SlowFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/crash/
      Handler: app.slow
      Timeout: 1
      Events:
        Slow:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: /slow, Method: GET, Auth: {Authorizer: NONE}}

  CurrentRequestFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/current/
      Handler: app.handler
      Events:
        Current:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: "/current/{name}", Method: GET, Auth: {Authorizer: NONE}}

  ServicesFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/services/
      Handler: app.handler
      Events:
        Work:
          Type: Api
          Properties: {RestApiId: !Ref ToyApi, Path: /work, Method: POST, Auth: {Authorizer: NONE}}

  TimerFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-timer"
      CodeUri: functions/timer/
      Handler: app.handler
"""

FUNCTIONS = {
    "auth": """
        def handler(event, context):
            verdict = (event.get("headers") or {}).get("Authorization", "").removeprefix("Bearer ")
            if verdict == "explode":
                raise Exception("Unauthorized")
            if verdict == "broken":
                raise ValueError("a bug in the authorizer")
            resource = event["methodArn"]
            if verdict == "get-only":
                resource = "arn:aws:execute-api:*:*:*/*/GET/private/*"
            context_map = {"role": "admin", "agent_id": 7, "active": True, "event_type": event["type"],
                           "method_arn": event["methodArn"]}
            if verdict == "nested":
                context_map["nested"] = {"no": "objects allowed"}
            return {
                "principalId": "key-7",
                "policyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Action": "execute-api:Invoke", "Effect": "Deny" if verdict == "deny" else "Allow",
                                   "Resource": resource}],
                },
                "context": context_map,
            }
    """,
    "echo": """
        import json
        import os
        import time

        INVOCATIONS = 0


        def handler(event, context):
            global INVOCATIONS
            INVOCATIONS += 1
            time.sleep(float((event.get("queryStringParameters") or {}).get("sleep", "0")))
            return {
                "statusCode": 200,
                "headers": {"Content-Type": "application/json", "X-Echo": "yes"},
                "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
                "body": json.dumps({
                    "event": event,
                    "container": __name__,
                    "invocations": INVOCATIONS,
                    "greeting": os.environ.get("GREETING"),
                    "function_name": context.function_name,
                    "remaining_ms": context.get_remaining_time_in_millis(),
                }),
            }
    """,
    "crash": """
        import time


        def handler(event, context):
            raise KeyError("secret-internal-detail")


        def malformed(event, context):
            return {"statusCode": "not a status", "body": "x"}


        def slow(event, context):
            time.sleep(1.2)
            return {"statusCode": 200, "body": "too late"}
    """,
    "current": """
        import json
        import sys
        import time
        import types

        # Like Powertools' BaseRouter.current_event: the current request kept in a package every container of
        # the process imports.
        SHARED = sys.modules.setdefault("toy_shared_state", types.ModuleType("toy_shared_state"))


        def handler(event, context):
            SHARED.current_event = event
            time.sleep(0.3)
            return {"statusCode": 200, "body": json.dumps({"name": SHARED.current_event["pathParameters"]["name"]})}
    """,
    "services": """
        import json
        import os
        from datetime import UTC, datetime, timedelta

        import boto3


        def handler(event, context):
            order = json.loads(event["body"])
            boto3.client("dynamodb").put_item(
                TableName=os.environ["TABLE_NAME"], Item={"PK": {"S": order["id"]}}
            )
            boto3.client("events").put_events(Entries=[{
                "EventBusName": os.environ["EVENT_BUS_NAME"], "Source": "toy", "DetailType": "toy.worked",
                "Detail": json.dumps({"id": order["id"]}),
            }])
            link = os.environ["PUBLIC_BASE_URL"] + "/things/" + order["id"]
            boto3.client("sesv2").send_email(
                FromEmailAddress=os.environ["SENDER_EMAIL"],
                Destination={"ToAddresses": ["agent@toy.test"]},
                Content={"Simple": {
                    "Subject": {"Data": "Work " + order["id"]},
                    "Body": {"Text": {"Data": "Open " + link}, "Html": {"Data": f'<p><a href="{link}">Open</a></p>'}},
                }},
            )
            # A minute ago: Scheduler fires within the minute after at(), so this one fires at once.
            due = (datetime.now(UTC) - timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%S")
            boto3.client("scheduler").create_schedule(
                GroupName=os.environ["SCHEDULE_GROUP_NAME"], Name="timer-" + order["id"],
                ScheduleExpression=f"at({due})", FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Target={"Arn": os.environ["TIMER_FUNCTION_ARN"], "RoleArn": "arn:aws:iam::123456789012:role/x",
                        "Input": json.dumps({"marker": order["marker"]})},
            )
            return {"statusCode": 202, "body": json.dumps({"ok": True})}
    """,
    "timer": """
        import json
        import os


        def handler(event, context):
            if event.get("fail"):
                raise RuntimeError("the timer failed")
            with open(event["marker"], "a", encoding="utf-8") as marker:
                marker.write(json.dumps(event) + "\\n")
            return {"fired": True}
    """,
}


def write_toy_project(root: Path) -> Path:
    """Write the toy template and its functions under ``root``; answers the template's path."""
    return write_project(root, TEMPLATE, FUNCTIONS)


# SAM's semantics the local stack does not re-implement: Globals overridden per function, the implicit API
# configured by Globals.Api, AutoPublishAlias, conditions, and resources the local stack does not emulate.
OPERATED_TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31

Parameters:
  Stage:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  EnableSnapStart:
    Type: String
    Default: "false"
    AllowedValues: ["true", "false"]
  AlarmEmail:
    Type: String
    Default: ops@toy.test

Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  UseSnapStart: !Equals [!Ref EnableSnapStart, "true"]

Globals:
  Function:
    Runtime: python3.13
    CodeUri: functions/echo/
    Timeout: 5
    MemorySize: 256
    AutoPublishAlias: live
    SnapStart:
      ApplyOn: !If [UseSnapStart, PublishedVersions, None]
    Environment:
      Variables:
        STAGE: !Ref Stage
        SHARED: from-globals
  Api:
    Auth:
      DefaultAuthorizer: TokenKeys
      Authorizers:
        TokenKeys:
          FunctionArn: !GetAtt AuthFunction.Arn
          Identity:
            Header: X-Toy-Key
    GatewayResponses:
      THROTTLED:
        StatusCode: "429"
        ResponseParameters:
          Headers:
            Retry-After: "'7'"
        ResponseTemplates:
          application/json: '{"error": "slow down"}'

Resources:
  AlarmTopic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - Protocol: email
          Endpoint: !Ref AlarmEmail

  EchoErrorsAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions:
        - Name: FunctionName
          Value: !Ref EchoFunction
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      AlarmActions: [!Ref AlarmTopic]

  Dashboard:
    Type: AWS::CloudWatch::Dashboard
    Properties:
      DashboardBody: !Sub '{"widgets": [{"type": "text", "properties": {"markdown": "${AWS::StackName}"}}]}'

  EchoLogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "/aws/lambda/${EchoFunction}"
      RetentionInDays: !If [IsProd, 90, 30]

  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-auth"
      CodeUri: functions/auth/
      Handler: app.handler
      Policies:
        - AWSLambdaBasicExecutionRole

  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-echo"
      Handler: app.handler
      Timeout: 9
      Environment:
        Variables:
          OWN: from-the-function
          CALLS: !Ref AuditFunction.Alias
      Policies:
        - AWSXrayWriteOnlyAccess
        - CloudWatchLambdaInsightsExecutionRolePolicy
      Events:
        Public:
          Type: Api
          Properties: {Path: /public, Method: GET, Auth: {Authorizer: NONE}}
        Guarded:
          Type: Api
          Properties: {Path: "/guarded/{thing}", Method: ANY}

  AuditFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      AutoPublishAlias: current

  ProdOnlyFunction:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      Handler: app.handler
      Events:
        Report:
          Type: Api
          Properties: {Path: /report, Method: GET}

Outputs:
  EchoAlias:
    Value: !Ref EchoFunction.Alias
  Alarms:
    Value: !Ref AlarmTopic
  ReportUrl:
    Condition: IsProd
    Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/report"
"""


def write_project(root: Path, template: str, functions: dict[str, str]) -> Path:
    """Write ``template`` and the named function sources under ``root``; answers the template's path."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "template.yaml").write_text(template, encoding="utf-8")
    for name, source in functions.items():
        folder = root / "functions" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "app.py").write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return root / "template.yaml"


def write_operated_project(root: Path) -> Path:
    """The operated toy template (alias, alarms, conditions), with the toy auth and echo functions."""
    return write_project(root, OPERATED_TEMPLATE, {name: FUNCTIONS[name] for name in ("auth", "echo")})
