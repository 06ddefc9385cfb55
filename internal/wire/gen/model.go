package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// model is the part of a botocore service model (service-2.json) that the
// generator reads.
type model struct {
	Metadata struct {
		APIVersion     string `json:"apiVersion"`
		EndpointPrefix string `json:"endpointPrefix"`
		Protocol       string `json:"protocol"`
		ServiceID      string `json:"serviceId"`
		SigningName    string `json:"signingName"`
		XMLNamespace   string `json:"xmlNamespace"`
		TargetPrefix   string `json:"targetPrefix"`
		JSONVersion    string `json:"jsonVersion"`
	} `json:"metadata"`
	Operations map[string]*operation `json:"operations"`
	Shapes     map[string]*shape     `json:"shapes"`
}

type operation struct {
	Name     string     `json:"name"`
	Input    *shapeRef  `json:"input"`
	Output   *shapeRef  `json:"output"`
	Errors   []shapeRef `json:"errors"`
	AuthType string     `json:"authtype"`
	Auth     []string   `json:"auth"`
	HTTP     struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
}

type shapeRef struct {
	Shape         string `json:"shape"`
	LocationName  string `json:"locationName"`
	ResultWrapper string `json:"resultWrapper"`
	Flattened     bool   `json:"flattened"`
	Deprecated    bool   `json:"deprecated"`

	// Location binds a restJson1 member to the HTTP message: "uri",
	// "querystring", "header", "headers" or "statusCode"; LocationName
	// then names the label, parameter or header.
	Location string `json:"location"`
	// TimestampFormat overrides the shape's (JSON protocols).
	TimestampFormat string `json:"timestampFormat"`

	// Traits the generator does not implement: it refuses models that
	// use them rather than mis-serialize.
	XMLAttribute bool            `json:"xmlAttribute"`
	XMLNamespace json.RawMessage `json:"xmlNamespace"`
	JSONValue    bool            `json:"jsonvalue"`
	QueryName    string          `json:"queryName"`
}

type shape struct {
	Type      string       `json:"type"`
	Required  []string     `json:"required"`
	Members   members      `json:"members"`
	Member    *shapeRef    `json:"member"`
	Key       *shapeRef    `json:"key"`
	Value     *shapeRef    `json:"value"`
	Min       *json.Number `json:"min"`
	Max       *json.Number `json:"max"`
	Pattern   string       `json:"pattern"`
	Enum      []string     `json:"enum"`
	Sensitive bool         `json:"sensitive"`
	Flattened bool         `json:"flattened"`
	Exception bool         `json:"exception"`

	// Payload names the member that is the whole HTTP body (restJson1).
	Payload string `json:"payload"`
	// Document marks a structure that stands for any JSON value.
	Document bool `json:"document"`

	TimestampFormat string `json:"timestampFormat"`
	Union           bool   `json:"union"`
	Streaming       bool   `json:"streaming"`
	Event           bool   `json:"event"`
	EventStream     bool   `json:"eventstream"`
	Fault           bool   `json:"fault"`
	Error           *struct {
		Code           string `json:"code"`
		HTTPStatusCode int    `json:"httpStatusCode"`
		SenderFault    bool   `json:"senderFault"`
	} `json:"error"`
}

// member is one member of a structure, in declaration order.
type member struct {
	Name string
	Ref  shapeRef
}

// members keeps a structure's members in the order the model declares
// them: the order AWS validates and serializes them in.
type members []member

func (ms *members) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("members: want an object")
	}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		var r shapeRef
		if err := d.Decode(&r); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		*ms = append(*ms, member{Name: name, Ref: r})
	}
	return nil
}

func loadModel(path string) (*model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m model
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for name, op := range m.Operations {
		if op.Name == "" {
			op.Name = name
		}
	}
	return &m, nil
}

func (s *shape) isRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}

func num(n *json.Number) (int64, bool) {
	if n == nil {
		return 0, false
	}
	v, err := n.Int64()
	if err != nil {
		f, err := n.Float64()
		if err != nil {
			return 0, false
		}
		return int64(f), true
	}
	return v, true
}
