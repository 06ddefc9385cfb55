package iam

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// OIDCProvider is an IAM OpenID Connect identity provider.
type OIDCProvider struct {
	ARN string `json:"arn"`
	// URL is the issuer without its scheme (host and path), as
	// GetOpenIDConnectProvider reports it.
	URL            string    `json:"url"`
	ClientIDList   []string  `json:"clientIDList"`
	ThumbprintList []string  `json:"thumbprintList"`
	CreateDate     time.Time `json:"createDate"`
	Tags           []Tag     `json:"tags,omitempty"`
}

func oidcARN(account, hostPath string) string {
	return "arn:aws:iam::" + account + ":oidc-provider/" + hostPath
}

// oidcHostPath checks an issuer URL (https, a host, no query or fragment)
// and returns host and path, which name the provider.
func oidcHostPath(raw string) (string, error) {
	if err := validate(func(v *validation) { v.length(raw, "url", 1, 255) }); err != nil {
		return "", err
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", &Error{Code: CodeValidationError, Message: "Invalid Open ID Connect Provider URL"}
	}
	return strings.ToLower(u.Host) + strings.TrimSuffix(u.EscapedPath(), "/"), nil
}

// oidcFromARN extracts the provider name (host/path) from its ARN.
func oidcFromARN(account, arn string) (string, error) {
	prefix := "arn:aws:iam::" + account + ":oidc-provider/"
	if err := validate(func(v *validation) { v.length(arn, "openIDConnectProviderArn", 20, maxARN) }); err != nil {
		return "", err
	}
	name, ok := strings.CutPrefix(arn, prefix)
	if !ok || name == "" {
		if strings.HasPrefix(arn, "arn:aws:iam::") && strings.Contains(arn, ":oidc-provider/") {
			return "", errorf(CodeNoSuchEntity, "OpenIDConnect Provider not found for arn %s", arn)
		}
		return "", errorf(CodeInvalidInput, "ARN %s is not valid.", arn)
	}
	return name, nil
}

func checkThumbprints(tps []string) error {
	if len(tps) > maxThumbprints {
		return quota("ThumbprintsPerOpenIdConnectProvider", maxThumbprints)
	}
	return validate(func(v *validation) {
		for i, t := range tps {
			if len(t) != 40 {
				v.add(t, "thumbprintList."+strconv.Itoa(i+1)+".member", "Member must have length greater than or equal to 40")
			}
		}
	})
}

func checkClientIDs(ids []string) error {
	if len(ids) > maxClientIDs {
		return quota("ClientIdsPerOpenIdConnectProvider", maxClientIDs)
	}
	return validate(func(v *validation) {
		for i, id := range ids {
			v.length(id, "clientIDList."+strconv.Itoa(i+1)+".member", 1, 255)
		}
	})
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// CreateOIDCProviderInput is CreateOpenIDConnectProvider's request.
type CreateOIDCProviderInput struct {
	URL            string
	ClientIDList   []string
	ThumbprintList []string // optional (IAM no longer needs thumbprints for most providers)
	Tags           []Tag
}

// CreateOpenIDConnectProvider registers an OIDC identity provider, named
// arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
func (s *Service) CreateOpenIDConnectProvider(ctx context.Context, account string, in CreateOIDCProviderInput, audit Audit) (*OIDCProvider, error) {
	hp, err := oidcHostPath(in.URL)
	if err != nil {
		return nil, err
	}
	if err := checkThumbprints(in.ThumbprintList); err != nil {
		return nil, err
	}
	if err := checkClientIDs(in.ClientIDList); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	arn := oidcARN(account, hp)
	var out *OIDCProvider
	var result any
	err = s.write(ctx, account, "CreateOpenIDConnectProvider", []store.EventResource{res(resOIDC, arn)}, audit, &result, func(tx store.Tx) error {
		k := key(account, kindOIDC, hp)
		if old, err := storejson.Get[oidcRec](ctx, tx, k); err != nil {
			return err
		} else if old != nil {
			return errorf(CodeEntityAlreadyExists, "Provider with url %s already exists.", in.URL)
		}
		if n, err := storejson.Count(ctx, tx, account, kindOIDC, ""); err != nil {
			return err
		} else if n >= s.quotas.OIDCProviders {
			return quota("OpenIdConnectProvidersPerAccount", s.quotas.OIDCProviders)
		}
		rec := &oidcRec{URL: hp, ClientIDs: dedupe(in.ClientIDList), Thumbprints: dedupe(in.ThumbprintList), Created: s.clock(), Tags: in.Tags}
		if err := storejson.Create(ctx, tx, k, rec); err != nil {
			return err
		}
		out = oidcView(account, rec)
		result = out
		return nil
	})
	return out, err
}

func oidcView(account string, rec *oidcRec) *OIDCProvider {
	return &OIDCProvider{
		ARN: oidcARN(account, rec.URL), URL: rec.URL, CreateDate: rec.Created,
		ClientIDList: append([]string{}, rec.ClientIDs...), ThumbprintList: append([]string{}, rec.Thumbprints...), Tags: cloneTags(rec.Tags),
	}
}

// GetOpenIDConnectProvider returns a provider by ARN (STS uses it for
// AssumeRoleWithWebIdentity).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetOpenIDConnectProvider.html
func (s *Service) GetOpenIDConnectProvider(ctx context.Context, account, arn string) (*OIDCProvider, error) {
	name, err := oidcFromARN(account, arn)
	if err != nil {
		return nil, err
	}
	var out *OIDCProvider
	err = s.view(ctx, func(r store.Reader) error {
		rec, err := storejson.Get[oidcRec](ctx, r, key(account, kindOIDC, name))
		if err != nil {
			return err
		}
		if rec == nil {
			return errorf(CodeNoSuchEntity, "OpenIDConnect Provider not found for arn %s", arn)
		}
		out = oidcView(account, rec)
		return nil
	})
	return out, err
}

// ListOpenIDConnectProviders lists the ARNs of the account's providers.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOpenIDConnectProviders.html
func (s *Service) ListOpenIDConnectProviders(ctx context.Context, account string) ([]string, error) {
	var out []string
	err := s.view(ctx, func(r store.Reader) error {
		_, ids, err := storejson.List[oidcRec](ctx, r, account, kindOIDC, "")
		for _, id := range ids {
			out = append(out, oidcARN(account, id))
		}
		return err
	})
	return out, err
}

// DeleteOpenIDConnectProvider deletes a provider; deleting one that does not
// exist is not an error ("This operation is idempotent").
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteOpenIDConnectProvider.html
func (s *Service) DeleteOpenIDConnectProvider(ctx context.Context, account, arn string, audit Audit) error {
	name, err := oidcFromARN(account, arn)
	if err != nil {
		if ErrorCode(err) == CodeNoSuchEntity {
			return nil
		}
		return err
	}
	return s.write(ctx, account, "DeleteOpenIDConnectProvider", []store.EventResource{res(resOIDC, arn)}, audit, nil, func(tx store.Tx) error {
		return storejson.Delete(ctx, tx, key(account, kindOIDC, name))
	})
}

func (s *Service) changeOIDC(ctx context.Context, account, arn, op string, audit Audit, change func(*oidcRec) error) error {
	name, err := oidcFromARN(account, arn)
	if err != nil {
		return err
	}
	return s.write(ctx, account, op, []store.EventResource{res(resOIDC, arn)}, audit, nil, func(tx store.Tx) error {
		k := key(account, kindOIDC, name)
		rec, err := storejson.Get[oidcRec](ctx, tx, k)
		if err != nil {
			return err
		}
		if rec == nil {
			return errorf(CodeNoSuchEntity, "OpenIDConnect Provider not found for arn %s", arn)
		}
		if err := change(rec); err != nil {
			return err
		}
		return storejson.Put(ctx, tx, k, rec)
	})
}

// UpdateOpenIDConnectProviderThumbprint replaces a provider's thumbprints.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateOpenIDConnectProviderThumbprint.html
func (s *Service) UpdateOpenIDConnectProviderThumbprint(ctx context.Context, account, arn string, thumbprints []string, audit Audit) error {
	if err := checkThumbprints(thumbprints); err != nil {
		return err
	}
	return s.changeOIDC(ctx, account, arn, "UpdateOpenIDConnectProviderThumbprint", audit, func(r *oidcRec) error {
		r.Thumbprints = dedupe(thumbprints)
		return nil
	})
}

// AddClientIDToOpenIDConnectProvider adds a client id (audience); adding
// one that is there changes nothing.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddClientIDToOpenIDConnectProvider.html
func (s *Service) AddClientIDToOpenIDConnectProvider(ctx context.Context, account, arn, clientID string, audit Audit) error {
	if err := checkClientIDs([]string{clientID}); err != nil {
		return err
	}
	return s.changeOIDC(ctx, account, arn, "AddClientIDToOpenIDConnectProvider", audit, func(r *oidcRec) error {
		if slices.Contains(r.ClientIDs, clientID) {
			return nil
		}
		if len(r.ClientIDs) >= maxClientIDs {
			return quota("ClientIdsPerOpenIdConnectProvider", maxClientIDs)
		}
		r.ClientIDs = append(r.ClientIDs, clientID)
		return nil
	})
}

// RemoveClientIDFromOpenIDConnectProvider removes a client id; removing one
// that is not there is not an error.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveClientIDFromOpenIDConnectProvider.html
func (s *Service) RemoveClientIDFromOpenIDConnectProvider(ctx context.Context, account, arn, clientID string, audit Audit) error {
	if err := checkClientIDs([]string{clientID}); err != nil {
		return err
	}
	return s.changeOIDC(ctx, account, arn, "RemoveClientIDFromOpenIDConnectProvider", audit, func(r *oidcRec) error {
		r.ClientIDs = slices.DeleteFunc(r.ClientIDs, func(c string) bool { return c == clientID })
		return nil
	})
}

// TagOpenIDConnectProvider adds or replaces tags of a provider.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagOpenIDConnectProvider.html
func (s *Service) TagOpenIDConnectProvider(ctx context.Context, account, arn string, tags []Tag, audit Audit) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeOIDC(ctx, account, arn, "TagOpenIDConnectProvider", audit, func(r *oidcRec) (err error) {
		r.Tags, err = mergeTagsChecked(r.Tags, tags)
		return err
	})
}

// UntagOpenIDConnectProvider removes tags from a provider.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagOpenIDConnectProvider.html
func (s *Service) UntagOpenIDConnectProvider(ctx context.Context, account, arn string, keys []string, audit Audit) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeOIDC(ctx, account, arn, "UntagOpenIDConnectProvider", audit, func(r *oidcRec) error {
		r.Tags = removeTags(r.Tags, keys)
		return nil
	})
}

// ListOpenIDConnectProviderTags lists a provider's tags.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOpenIDConnectProviderTags.html
func (s *Service) ListOpenIDConnectProviderTags(ctx context.Context, account, arn string, p Page) (ListPage[Tag], error) {
	prov, err := s.GetOpenIDConnectProvider(ctx, account, arn)
	if err != nil {
		return ListPage[Tag]{}, err
	}
	return pageTags(prov.Tags, p)
}
