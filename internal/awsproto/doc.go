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
//     awsQuery response envelope ([WriteQueryResponse]);
//   - for the JSON protocols, a reflection-free JSON writer ([JSONWriter]),
//     a token-level JSON reader for generated decoders ([JSONDecoder]), the
//     awsJson envelope ([WriteJSONResponse], [SplitTarget],
//     [UnknownOperation]) and restJson1's routing and bindings
//     ([RESTRouter], [RESTRequest], [WriteRESTJSONResponse], [NoRoute]).
//
// The generated packages under internal/wire (iamwire, stswire, orgswire,
// cloudtrailwire, cleanroomswire, cleanroomsmlwire) build on these
// primitives.
package awsproto
