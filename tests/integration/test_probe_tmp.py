import json
import boto3
from tests.support.scenario import Company, expect, unique_lead


def test_probe(company, aws, aws_calls, api) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    expect(company.submit(unique_lead(0)), 202)
    aws_calls.reset()
    a = expect(company.submit(unique_lead(1)), 202)
    print("CALLS", aws_calls.names())
    aws_calls.reset()
    a = expect(company.submit(unique_lead(2), headers={"Idempotency-Key": "abc"}), 202)
    print("CALLS key", aws_calls.names())
    company.settings(auto_assign_enabled=False)
    aws_calls.reset()
    a = expect(company.submit(unique_lead(3)), 202)
    print("CALLS pool", aws_calls.names())
    sqs = boto3.client("sqs")
    msgs = []
    while True:
        r = sqs.receive_message(QueueUrl=aws.event_queue_url, MaxNumberOfMessages=10)
        if not r.get("Messages"):
            break
        msgs += r["Messages"]
    for m in msgs:
        b = json.loads(m["Body"])
        print(b["detail-type"], b["detail"]["lead_id"], b["detail"]["status"])
    r = api.post(company.leads_path(), raw=b"x", headers={"Content-Type": "text/plain"})
    print(r.status, r.text)
    print(company.lead(a["lead_id"]))
    r = api.options(company.leads_path()) if hasattr(api, "options") else api.call("OPTIONS", company.leads_path(), headers={"Origin": "https://x.test"})
    print(r.status, r.headers, r.text)
