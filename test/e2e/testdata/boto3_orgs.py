"""The Organizations flow with boto3: a member account, a role profile into it,
an SCP denying iam:CreateUser, and the denial in the member's event history.

Run by orgs_test.go with AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE set to
the bootstrap's files, and the arguments: a directory for a copy of the config
file, the endpoint URL, and the SCP's document. Exits non-zero with a message
on the first surprise; prints "ok" at the end.
"""
import json
import os
import sys
import time

import boto3
import botocore.exceptions


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


workdir, endpoint, scp = sys.argv[1], sys.argv[2], sys.argv[3]

mgmt = boto3.Session()
mgmt_account = mgmt.client("sts").get_caller_identity()["Account"]
orgs = mgmt.client("organizations")

# A member account.
status = orgs.create_account(Email="data@example.com", AccountName="data")["CreateAccountStatus"]
member = None
deadline = time.time() + 10
while member is None:
    s = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    if s["State"] == "SUCCEEDED":
        member = s["AccountId"]
    elif s["State"] == "FAILED":
        fail(f"create_account failed: {s}")
    elif time.time() > deadline:
        fail(f"create_account still {s['State']}")
    else:
        time.sleep(0.1)
if len(member) != 12 or member == mgmt_account:
    fail(f"member account {member!r}")

# A role profile in a copy of the config file. botocore reads endpoint_url and
# region from the profile in use (not from source_profile), and assumes the
# role with an STS client made from that profile.
with open(os.environ["AWS_CONFIG_FILE"]) as f:
    config = f.read()
config += (
    "\n[profile member]\n"
    f"role_arn = arn:aws:iam::{member}:role/OrganizationAccountAccessRole\n"
    "source_profile = default\n"
    "region = us-east-1\n"
    f"endpoint_url = {endpoint}\n"
)
path = os.path.join(workdir, "config")
with open(path, "w") as f:
    f.write(config)
os.environ["AWS_CONFIG_FILE"] = path
member_session = boto3.Session(profile_name="member")

ident = member_session.client("sts").get_caller_identity()
arn = ident["Arn"]
if ident["Account"] != member or not arn.startswith(f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/"):
    fail(f"member identity {ident}")

# An SCP denying iam:CreateUser, attached to the member account.
policy = orgs.create_policy(Name="deny-create-user", Description="no IAM users",
                            Type="SERVICE_CONTROL_POLICY", Content=scp)["Policy"]
if json.loads(policy["Content"]) != json.loads(scp):
    fail(f"policy content {policy['Content']}")
policy_id = policy["PolicySummary"]["Id"]
orgs.attach_policy(PolicyId=policy_id, TargetId=member)
targets = [t["TargetId"] for t in orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"]]
if targets != [member]:
    fail(f"policy targets {targets}")

try:
    member_session.client("iam").create_user(UserName="intruder")
    fail("create_user in the member account under a denying SCP succeeded")
except botocore.exceptions.ClientError as e:
    err = e.response["Error"]
    want = (f"User: {arn} is not authorized to perform: iam:CreateUser on resource: "
            f"arn:aws:iam::{member}:user/intruder with an explicit deny in a service control policy")
    if err["Code"] != "AccessDenied" or err["Message"] != want:
        fail(f"denial {err}, want message {want!r}")

# The denial in the member account's event history (refusals are stored in
# batches within moments).
trail = member_session.client("cloudtrail")
record = None
deadline = time.time() + 5
while record is None:
    pages = trail.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])
    for page in pages:
        for ev in page["Events"]:
            r = json.loads(ev["CloudTrailEvent"])
            if r.get("errorCode") == "AccessDenied":
                record = r
    if record is None:
        if time.time() > deadline:
            fail("no AccessDenied CreateUser event in the member account")
        time.sleep(0.1)
if (record["recipientAccountId"] != member or record["userIdentity"]["type"] != "AssumedRole"
        or record["userIdentity"]["arn"] != arn or "service control policy" not in record["errorMessage"]
        or not record["userAgent"].startswith("Boto3/")):
    fail(f"the denial's record {record}")

# The management account's history does not hold it.
events = mgmt.client("cloudtrail").lookup_events(
    LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
if events:
    fail(f"the management account sees {len(events)} CreateUser events")
print("ok")
