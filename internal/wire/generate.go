// Package wire holds the AWS service models that cleanroom serves and the
// code generated from them.
//
// models/ holds botocore's service models (service-2.json) for IAM and STS
// (awsQuery), Organizations and CloudTrail (awsJson1_1), Clean Rooms and
// Clean Rooms ML (restJson1), without their documentation strings, copied
// from botocore 1.43.11 with
//
//	go run ./gen strip SRC/service-2.json.gz models/NAME.json
//
// gen/ is the generator; iamwire, stswire, orgswire, cloudtrailwire,
// cleanroomswire and cleanroomsmlwire are its output, made with
// go generate ./internal/wire/... and committed.
package wire

//go:generate go run ./gen -model models/sts-2011-06-15.json -pkg stswire -out stswire
//go:generate go run ./gen -model models/iam-2010-05-08.json -pkg iamwire -out iamwire
//go:generate go run ./gen -model models/organizations-2016-11-28.json -pkg orgswire -out orgswire
//go:generate go run ./gen -model models/cloudtrail-2013-11-01.json -pkg cloudtrailwire -out cloudtrailwire
//go:generate go run ./gen -model models/cleanrooms-2022-02-17.json -pkg cleanroomswire -out cleanroomswire
//go:generate go run ./gen -model models/cleanroomsml-2023-09-06.json -pkg cleanroomsmlwire -out cleanroomsmlwire

// A synthetic model with the query features that IAM and STS do not use
// (maps, flattened lists, locationName, longs, doubles, blobs), to test
// the generator.
//go:generate go run ./gen -model gen/testdata/synth-2020-01-01.json -pkg synthwire -out gen/synthwire

// A synthetic restJson1 model with the HTTP bindings that Clean Rooms and
// Clean Rooms ML do not use (headers, greedy labels, payloads, statusCode,
// documents, timestamp formats).
//go:generate go run ./gen -model gen/testdata/synthrest-2020-01-01.json -pkg synthrestwire -out gen/synthrestwire
