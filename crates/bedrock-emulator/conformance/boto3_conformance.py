#!/usr/bin/env python3
"""Conformance of the Bedrock emulator, driven by boto3 (the official Python SDK).

Run:  python conformance/boto3_conformance.py --endpoint http://127.0.0.1:PORT

Each check prints one line, `ok   NAME` or `FAIL NAME: why`; the script exits
non-zero if any check fails. It uses the emulator's default credentials and
region, and disables retries so faults surface on the first attempt.
"""

import argparse
import sys
import traceback

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

ACCESS_KEY_ID = "AKIAGOAIEMULATOR0001"
SECRET_ACCESS_KEY = "goai/emulator/secret/access/key/0000000"
REGION = "us-east-1"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET4_PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0"

WEATHER_TOOL = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "Current weather for a city.",
                "inputSchema": {
                    "json": {
                        "type": "object",
                        "properties": {
                            "city": {"type": "string"},
                            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                        },
                        "required": ["city"],
                    }
                },
            }
        }
    ]
}


def client(endpoint, key=ACCESS_KEY_ID, secret=SECRET_ACCESS_KEY, fault=None, attempts=1):
    c = boto3.client(
        "bedrock-runtime",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": attempts, "mode": "standard"}),
    )
    if fault is not None:
        def add_fault(request, **_kwargs):
            request.headers["x-emulator-fault"] = fault

        c.meta.events.register("before-sign.bedrock-runtime.*", add_fault)
    return c


def user(text):
    return {"role": "user", "content": [{"text": text}]}


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_client_error(call, code, status=None, message_part=None):
    try:
        call()
    except ClientError as error:
        got = error.response["Error"]["Code"]
        expect(got == code, f"expected {code}, got {got}: {error}")
        if status is not None:
            got_status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            expect(got_status == status, f"expected HTTP {status}, got {got_status}")
        if message_part is not None:
            message = error.response["Error"]["Message"]
            expect(message_part in message, f"message {message!r} lacks {message_part!r}")
        return
    raise AssertionError(f"expected {code}, but the call succeeded")


def collect(stream):
    """Drains a converse_stream, returning (events, text, reasoning, tool uses, stop, usage)."""
    events, text, reasoning, tools, stop, usage = [], "", "", {}, None, None
    for event in stream:
        events.append(event)
        if "contentBlockStart" in event:
            start = event["contentBlockStart"]
            tool = start["start"].get("toolUse")
            if tool:
                tools[start["contentBlockIndex"]] = {"name": tool["name"], "id": tool["toolUseId"], "input": ""}
        elif "contentBlockDelta" in event:
            delta = event["contentBlockDelta"]["delta"]
            index = event["contentBlockDelta"]["contentBlockIndex"]
            if "text" in delta:
                text += delta["text"]
            if "reasoningContent" in delta:
                reasoning += delta["reasoningContent"].get("text", "")
            if "toolUse" in delta:
                tools[index]["input"] += delta["toolUse"]["input"]
        elif "messageStop" in event:
            stop = event["messageStop"]["stopReason"]
        elif "metadata" in event:
            usage = event["metadata"]["usage"]
    return events, text, reasoning, tools, stop, usage


def check_converse(endpoint):
    response = client(endpoint).converse(
        modelId=HAIKU,
        messages=[user("What is the capital of France?")],
        inferenceConfig={"maxTokens": 200},
    )
    text = response["output"]["message"]["content"][0]["text"]
    expect("capital of France" in text, f"unexpected answer {text!r}")
    expect(response["stopReason"] == "end_turn", response["stopReason"])
    usage = response["usage"]
    expect(usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"], f"usage {usage}")
    expect(response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid"), "no request id")


def check_converse_stream_text(endpoint):
    response = client(endpoint).converse_stream(modelId=HAIKU, messages=[user("echo: one two three four")])
    events, text, _, _, stop, usage = collect(response["stream"])
    deltas = [e for e in events if "contentBlockDelta" in e]
    expect(text == "one two three four", f"text {text!r}")
    expect(len(deltas) >= 3, f"only {len(deltas)} deltas")
    expect(stop == "end_turn", stop)
    expect(usage["outputTokens"] == len(deltas), f"usage {usage} for {len(deltas)} deltas")


def check_converse_stream_tools(endpoint):
    c = client(endpoint)
    messages = [user("Please call get_weather for Paris")]
    response = c.converse_stream(modelId=HAIKU, messages=messages, toolConfig=WEATHER_TOOL)
    _, text, _, tools, stop, _ = collect(response["stream"])
    expect(stop == "tool_use", f"stop {stop}")
    expect(len(tools) == 1, f"tools {tools}")
    tool = next(iter(tools.values()))
    import json
    tool_input = json.loads(tool["input"])
    expect(tool["name"] == "get_weather" and "city" in tool_input, f"tool {tool}")
    assistant = {"role": "assistant", "content": []}
    if text:
        assistant["content"].append({"text": text})
    assistant["content"].append({"toolUse": {"toolUseId": tool["id"], "name": tool["name"], "input": tool_input}})
    messages += [
        assistant,
        {"role": "user", "content": [{"toolResult": {"toolUseId": tool["id"], "content": [{"text": "sunny, 21C"}]}}]},
    ]
    response = c.converse_stream(modelId=HAIKU, messages=messages, toolConfig=WEATHER_TOOL)
    _, text, _, _, stop, _ = collect(response["stream"])
    expect(stop == "end_turn", f"stop {stop}")
    expect("sunny, 21C" in text, f"answer {text!r}")


def check_converse_stream_reasoning(endpoint):
    response = client(endpoint).converse_stream(
        modelId=SONNET4_PROFILE,
        messages=[user("Think, then answer.")],
        inferenceConfig={"maxTokens": 4096},
        additionalModelRequestFields={"thinking": {"type": "enabled", "budget_tokens": 1024}},
    )
    events, text, reasoning, _, stop, _ = collect(response["stream"])
    signatures = [
        e for e in events
        if "contentBlockDelta" in e and "signature" in e["contentBlockDelta"]["delta"].get("reasoningContent", {})
    ]
    expect(reasoning, "no reasoning text")
    expect(len(signatures) == 1, f"{len(signatures)} signatures")
    expect(text, "no answer text")
    expect(stop == "end_turn", stop)


def check_count_tokens(endpoint):
    c = client(endpoint)
    messages = [user("How many tokens is this?")]
    counted = c.count_tokens(modelId=HAIKU, input={"converse": {"messages": messages}})["inputTokens"]
    used = c.converse(modelId=HAIKU, messages=messages)["usage"]["inputTokens"]
    expect(counted > 0 and counted == used, f"count_tokens {counted} vs converse {used}")


def check_bad_signature(endpoint):
    c = client(endpoint, secret="not-the-right-secret")
    expect_client_error(
        lambda: c.converse(modelId=HAIKU, messages=[user("hi")]),
        "InvalidSignatureException",
        403,
        "The request signature we calculated does not match the signature you provided.",
    )


def check_unknown_key(endpoint):
    c = client(endpoint, key="AKIAUNKNOWNKEY000000")
    expect_client_error(
        lambda: c.converse(modelId=HAIKU, messages=[user("hi")]),
        "UnrecognizedClientException",
        403,
        "The security token included in the request is invalid.",
    )


def check_unknown_model(endpoint):
    expect_client_error(
        lambda: client(endpoint).converse(modelId="anthropic.claude-does-not-exist-v1:0", messages=[user("hi")]),
        "ValidationException",
        400,
        "The provided model identifier is invalid.",
    )


def check_blank_text(endpoint):
    expect_client_error(
        lambda: client(endpoint).converse(modelId=HAIKU, messages=[{"role": "user", "content": [{"text": ""}]}]),
        "ValidationException",
        400,
        "The text field in the ContentBlock object at messages.0.content.0 is blank.",
    )


def check_profile_only(endpoint):
    expect_client_error(
        lambda: client(endpoint).converse(modelId="anthropic.claude-sonnet-4-20250514-v1:0", messages=[user("hi")]),
        "ValidationException",
        400,
        "with on-demand throughput isn\u2019t supported",
    )


def check_throttling(endpoint):
    expect_client_error(
        lambda: client(endpoint, fault="throttling").converse(modelId=HAIKU, messages=[user("hi")]),
        "ThrottlingException",
        429,
    )


def check_fail_times_retried(endpoint):
    # boto3 keeps one amz-sdk-invocation-id across the retries of a call: the
    # first two attempts are throttled, the third succeeds.
    c = client(endpoint, fault="fail-times:2:throttling", attempts=3)
    response = c.converse(modelId=HAIKU, messages=[user("hi")])
    retries = response["ResponseMetadata"]["RetryAttempts"]
    expect(retries == 2, f"{retries} retries")


def check_mid_stream_exception(endpoint):
    c = client(endpoint, fault="stream-exception:modelStreamErrorException")
    response = c.converse_stream(modelId=HAIKU, messages=[user("Tell me a long story please")])
    seen = 0
    try:
        for event in response["stream"]:
            if "contentBlockDelta" in event:
                seen += 1
    except EventStreamError as error:
        code = error.response["Error"]["Code"]
        expect(code == "modelStreamErrorException", f"code {code}")
        expect(seen >= 1, "no delta before the exception")
        return
    raise AssertionError("the stream ended without an exception")


def check_embeddings(endpoint):
    import json
    c = client(endpoint)
    body = json.dumps({"inputText": "hello", "dimensions": 256, "normalize": True})
    out = json.loads(c.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=body)["body"].read())
    expect(len(out["embedding"]) == 256 and out["inputTextTokenCount"] > 0, f"titan {list(out)}")
    body = json.dumps({"texts": ["a", "b"], "input_type": "search_document"})
    out = json.loads(c.invoke_model(modelId="cohere.embed-english-v3", body=body)["body"].read())
    expect(len(out["embeddings"]) == 2 and out["response_type"] == "embeddings_floats", f"cohere {list(out)}")


CHECKS = [
    ("converse", check_converse),
    ("converse_stream text", check_converse_stream_text),
    ("converse_stream tools", check_converse_stream_tools),
    ("converse_stream reasoning", check_converse_stream_reasoning),
    ("count_tokens", check_count_tokens),
    ("bad signature -> InvalidSignatureException", check_bad_signature),
    ("unknown key -> UnrecognizedClientException", check_unknown_key),
    ("unknown model -> ValidationException", check_unknown_model),
    ("blank text block -> ValidationException", check_blank_text),
    ("profile-only model -> ValidationException", check_profile_only),
    ("throttling fault -> ThrottlingException", check_throttling),
    ("fail-times:2:throttling -> success after 2 retries", check_fail_times_retried),
    ("mid-stream modelStreamErrorException -> EventStreamError", check_mid_stream_exception),
    ("invoke_model embeddings (Titan v2, Cohere v3)", check_embeddings),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="the emulator URL, e.g. http://127.0.0.1:8080")
    args = parser.parse_args()
    failed = 0
    for name, check in CHECKS:
        try:
            check(args.endpoint)
        except Exception as error:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print(f"FAIL {name}: {error}")
            if not isinstance(error, AssertionError):
                traceback.print_exc(file=sys.stdout)
        else:
            print(f"ok   {name}")
    passed = len(CHECKS) - failed
    print(f"conformance: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
