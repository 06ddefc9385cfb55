"""The first steps of a cleanroom user, with boto3 and the bootstrap's aws/ files.

Run by e2e_test.go with AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE set;
exits non-zero with a message on the first surprise.
"""
import json
import sys

import boto3
import botocore.exceptions


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


session = boto3.Session()
sts = session.client("sts")
iam = session.client("iam")

ident = sts.get_caller_identity()
acct = ident["Account"]
if ident["Arn"] != f"arn:aws:iam::{acct}:root":
    fail(f"root identity {ident}")

iam.create_user(UserName="bob", Tags=[{"Key": "team", "Value": "data"}])
iam.put_user_policy(
    UserName="bob",
    PolicyName="self",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            # ABAC: bob may read users of his own team only.
            {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{acct}:role/reader"},
        ],
    }),
)
key = iam.create_access_key(UserName="bob")["AccessKey"]
bob = boto3.Session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

iam.create_user(UserName="carol", Tags=[{"Key": "team", "Value": "finance"}])
bob_iam = bob.client("iam")
if bob_iam.get_user(UserName="bob")["User"]["UserName"] != "bob":
    fail("bob cannot read himself")
try:
    bob_iam.get_user(UserName="carol")
    fail("bob read carol of another team")
except botocore.exceptions.ClientError as e:
    if e.response["Error"]["Code"] != "AccessDenied":
        fail(f"unexpected error {e}")
    if f"arn:aws:iam::{acct}:user/bob is not authorized to perform: iam:GetUser on resource: arn:aws:iam::{acct}:user/carol" not in str(e):
        fail(f"denial message: {e}")

trust = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:user/bob"},
                   "Action": "sts:AssumeRole",
                   "Condition": {"StringEquals": {"sts:ExternalId": "e-1"}}}],
}
iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(trust))
iam.attach_role_policy(RoleName="reader", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
creds = bob.client("sts").assume_role(RoleArn=f"arn:aws:iam::{acct}:role/reader", RoleSessionName="bs", ExternalId="e-1")["Credentials"]
role = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                     aws_session_token=creds["SessionToken"])
if role.client("sts").get_caller_identity()["Arn"] != f"arn:aws:sts::{acct}:assumed-role/reader/bs":
    fail("role session identity")
names = sorted(u["UserName"] for u in role.client("iam").list_users()["Users"])
if names != ["bob", "carol"]:
    fail(f"list_users as the role: {names}")
print("ok")
