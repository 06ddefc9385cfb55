// Package awsproto implements the AWS wire protocols that cleanroom serves:
// awsQuery (IAM, STS), awsJson1_1 (Organizations, CloudTrail, Glue),
// restJson1 (Clean Rooms, Clean Rooms ML) and restXml (S3).
//
// It holds what every service shares and nothing service-specific:
//
//   - one error type, [Error], that handlers return and that the server maps
//     to each protocol's error document at the edge ([WriteError]);
//   - awsQuery request decoding ([ReadQuery], [ParseQuery], [QueryAction],
//     [Params]) and the constraint checks that generated decoders call
//     ([Validation]);
//   - a fast, reflection-free XML writer for responses ([XMLWriter]) and the
//     awsQuery response envelope ([WriteQueryResponse]).
//
// The generated packages under internal/wire (iamwire, stswire) build on
// these primitives; a JSON writer for awsJson1_1 and restJson1 will sit next
// to the XML one.
package awsproto
