"""`contacthub build`'s pure parts: the built template sam deploy reads, and what the layer leaves to the runtime."""
from __future__ import annotations

import json
from pathlib import Path

from contacthub_local import package
from contacthub_local.template import load_template, resources


def test_the_built_template_points_every_function_and_layer_at_its_built_directory(tmp_path):
    # Given the template and a build directory per function and layer
    template = load_template()
    names = [*resources(template, "AWS::Serverless::Function"), *resources(template, "AWS::Serverless::LayerVersion")]
    built = {name: tmp_path / name for name in names}
    # When the built template is written
    written = json.loads(package.built_template(template, built, tmp_path))
    # Then each artefact is its own directory, nothing is built again, and the source template is untouched
    assert "CodeUri" not in written["Globals"]["Function"]
    for name in names:
        resource = written["Resources"][name]
        key = "CodeUri" if resource["Type"] == "AWS::Serverless::Function" else "ContentUri"
        assert resource["Properties"][key] == name and "Metadata" not in resource
    assert load_template()["Globals"]["Function"]["CodeUri"] == "functions/"
    # And the long form of the intrinsic functions survives the round trip
    assert written["Resources"]["CrmApi"]["Properties"]["AccessLogSetting"]["DestinationArn"] == {
        "Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}


def test_the_layer_leaves_boto3_and_botocore_to_the_runtime(tmp_path):
    site: Path = tmp_path / "python"
    for entry in ("boto3", "boto3-1.44.5.dist-info", "botocore", "s3transfer", "jmespath-1.0.1.dist-info",
                  "pynamodb", "pydantic_core", "bin"):
        (site / entry).mkdir(parents=True)
    package._drop_runtime_provided(site)
    assert sorted(p.name for p in site.iterdir()) == ["pydantic_core", "pynamodb"]


def test_package_report_sizes_a_directory(tmp_path):
    (tmp_path / "a.txt").write_text("x" * 10_000)
    zipped, unzipped = package.zipped_size(tmp_path)
    assert unzipped == 10_000 and 0 < zipped < unzipped
