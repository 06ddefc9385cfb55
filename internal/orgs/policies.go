package orgs

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// checkContent validates a policy document for its type: at most 5,120
// characters, white space included ("Maximum size of a policy document",
// orgs_reference_limits), the grammar of the type (package policy with
// TypeSCP or TypeRCP) and, for resource control policies, the RCP syntax's
// further rules: "The effect of Allow is only supported for the
// RCPFullAWSAccess policy" and the elements table, which has no NotAction
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html).
// Service control policies take the whole IAM policy language but
// Principal, NotPrincipal
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html).
func checkContent(typ, content string) (*policy.Policy, error) {
	if content == "" {
		return nil, invalidInput(ReasonInputRequired, "You must specify a value for Content.")
	}
	if utf8.RuneCountInString(content) > policy.SizeOrganizations.Limit() {
		return nil, clone(errPolicyTooLarge)
	}
	p, err := policy.Parse([]byte(content), policyTypes[typ])
	if err != nil {
		return nil, malformed(err)
	}
	if err := policy.CheckSize(policy.SizeOrganizations, p); err != nil {
		return nil, clone(errPolicyTooLarge)
	}
	if typ == PolicyTypeRCP {
		for _, st := range p.Statements {
			if st.Effect != policy.Deny {
				return nil, malformed(&policy.SyntaxError{Statement: st.Index, Sid: st.Sid, Element: "Effect",
					Msg: "The effect of Allow is only supported for the RCPFullAWSAccess policy."})
			}
			if st.NotAction {
				return nil, malformed(&policy.SyntaxError{Statement: st.Index, Sid: st.Sid, Element: "NotAction",
					Msg: "NotAction is not supported in resource control policies."})
			}
		}
	}
	return p, nil
}

func checkPolicyName(name string) error        { return checkLen("Name", name, 1, 128) }
func checkPolicyDescription(desc string) error { return checkLen("Description", desc, 0, 512) }

func (s *Service) policyQuota(typ string) int {
	if typ == PolicyTypeRCP {
		return s.quotas.RCPs
	}
	return s.quotas.SCPs
}

func policyNameID(typ, name string) string { return typ + "/" + name }

// CreatePolicyInput is CreatePolicy's request.
type CreatePolicyInput struct {
	Content     string
	Description string
	Name        string
	Type        string
	Tags        []Tag
}

// CreatePolicy creates a customer managed SCP or RCP. Names are unique
// among the organization's policies of a type.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html
func (s *Service) CreatePolicy(ctx context.Context, caller string, in CreatePolicyInput, audit Audit) (*Policy, error) {
	if err := checkPolicyName(in.Name); err != nil {
		return nil, err
	}
	if err := checkPolicyDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.Type); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if _, err := checkContent(in.Type, in.Content); err != nil {
		return nil, err
	}
	var out *Policy
	var result any
	var resources []store.EventResource
	err := s.write(ctx, caller, "CreatePolicy", &resources, audit, &result, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		if o.FeatureSet != FeatureSetAll {
			return clone(errTypeNotAvailable)
		}
		nameKey := key(o.Mgmt, kindPolicyName, policyNameID(in.Type, in.Name))
		if dup, err := storejson.Get[policyNameRec](ctx, tx, nameKey); err != nil {
			return err
		} else if dup != nil {
			return clone(errDuplicatePolicy)
		}
		n, err := storejson.Count(ctx, tx, o.Mgmt, kindPolicyName, in.Type+"/")
		if err != nil {
			return err
		}
		if n >= s.policyQuota(in.Type) {
			return clone(errTooManyPols)
		}
		id, err := s.newPolicyID()
		if err != nil {
			return err
		}
		now := s.clock()
		p := &policyRec{ID: id, Name: in.Name, Description: in.Description, Type: in.Type, Content: in.Content, Created: now, Updated: now, Tags: in.Tags}
		if err := storejson.Create(ctx, tx, key(o.Mgmt, kindPolicy, id), p); err != nil {
			return err
		}
		if err := storejson.Create(ctx, tx, nameKey, policyNameRec{ID: id}); err != nil {
			return err
		}
		out = p.view(o)
		result = out
		resources = []store.EventResource{res(resPolicy, id)}
		return nil
	})
	return out, err
}

// loadPolicy finds a policy by id: an AWS managed one (mp set) or one of
// the organization's (pr set); neither when there is none.
func (s *Service) loadPolicy(ctx context.Context, r store.Reader, o *orgRec, id string) (*managedPolicy, *policyRec, error) {
	if m := s.managed[id]; m != nil {
		return m, nil, nil
	}
	p, err := storejson.Get[policyRec](ctx, r, key(o.Mgmt, kindPolicy, id))
	return nil, p, err
}

func checkPolicyID(id string) error {
	return checkIDParam("PolicyId", id, ReasonInvalidSyntaxPolicyID, KindPolicy)
}

// DescribePolicy returns a policy with its content.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html
func (s *Service) DescribePolicy(ctx context.Context, caller, policyID string) (*Policy, error) {
	if err := checkPolicyID(policyID); err != nil {
		return nil, err
	}
	var out *Policy
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		m, p, err := s.loadPolicy(ctx, r, o, policyID)
		switch {
		case err != nil:
			return err
		case m != nil:
			out = m.view()
		case p != nil:
			out = p.view(o)
		default:
			return clone(errPolicyNotFound)
		}
		return nil
	})
	return out, err
}

// UpdatePolicyInput is UpdatePolicy's request; nil fields are left as
// they are.
type UpdatePolicyInput struct {
	PolicyID    string
	Name        *string
	Description *string
	Content     *string
}

// UpdatePolicy changes a customer managed policy's name, description or
// content; AWS managed policies are immutable.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html
func (s *Service) UpdatePolicy(ctx context.Context, caller string, in UpdatePolicyInput, audit Audit) (*Policy, error) {
	if err := checkPolicyID(in.PolicyID); err != nil {
		return nil, err
	}
	if in.Name != nil {
		if err := checkPolicyName(*in.Name); err != nil {
			return nil, err
		}
	}
	if in.Description != nil {
		if err := checkPolicyDescription(*in.Description); err != nil {
			return nil, err
		}
	}
	var out *Policy
	var result any
	resources := []store.EventResource{res(resPolicy, in.PolicyID)}
	err := s.write(ctx, caller, "UpdatePolicy", &resources, audit, &result, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		m, p, err := s.loadPolicy(ctx, tx, o, in.PolicyID)
		if err != nil {
			return err
		}
		if m != nil {
			return clone(errImmutable)
		}
		if p == nil {
			return clone(errPolicyNotFound)
		}
		if in.Content != nil {
			if _, err := checkContent(p.Type, *in.Content); err != nil {
				return err
			}
			p.Content = *in.Content
		}
		if in.Description != nil {
			p.Description = *in.Description
		}
		if in.Name != nil && *in.Name != p.Name {
			newKey := key(o.Mgmt, kindPolicyName, policyNameID(p.Type, *in.Name))
			if dup, err := storejson.Get[policyNameRec](ctx, tx, newKey); err != nil {
				return err
			} else if dup != nil {
				return clone(errDuplicatePolicy)
			}
			if err := storejson.Delete(ctx, tx, key(o.Mgmt, kindPolicyName, policyNameID(p.Type, p.Name))); err != nil {
				return err
			}
			if err := storejson.Create(ctx, tx, newKey, policyNameRec{ID: p.ID}); err != nil {
				return err
			}
			p.Name = *in.Name
		}
		p.Updated = s.clock()
		if err := storejson.Put(ctx, tx, key(o.Mgmt, kindPolicy, p.ID), p); err != nil {
			return err
		}
		out = p.view(o)
		result = out
		return nil
	})
	return out, err
}

// DeletePolicy deletes a customer managed policy that is attached nowhere.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeletePolicy.html
func (s *Service) DeletePolicy(ctx context.Context, caller, policyID string, audit Audit) error {
	if err := checkPolicyID(policyID); err != nil {
		return err
	}
	resources := []store.EventResource{res(resPolicy, policyID)}
	return s.write(ctx, caller, "DeletePolicy", &resources, audit, nil, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		m, p, err := s.loadPolicy(ctx, tx, o, policyID)
		if err != nil {
			return err
		}
		if m != nil {
			return clone(errImmutable)
		}
		if p == nil {
			return clone(errPolicyNotFound)
		}
		ts, err := targetsOf(ctx, tx, o.Mgmt, policyID)
		if err != nil {
			return err
		}
		if len(ts) > 0 {
			return clone(errPolicyInUse)
		}
		if err := storejson.Delete(ctx, tx, key(o.Mgmt, kindPolicyName, policyNameID(p.Type, p.Name))); err != nil {
			return err
		}
		return storejson.Delete(ctx, tx, key(o.Mgmt, kindPolicy, policyID))
	})
}

func checkTargetID(id string) error {
	return checkIDParam("TargetId", id, ReasonInvalidPatternTargetID, KindRoot, KindOU, KindAccount)
}

// AttachPolicy attaches a policy to the root, an OU or an account. The
// policy's type must be enabled on the root, and a target holds at most
// five policies of a type ("Maximum number of policies attached to root,
// OU, or account", orgs_reference_limits), the AWS managed one included.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
func (s *Service) AttachPolicy(ctx context.Context, caller, policyID, targetID string, audit Audit) error {
	if err := checkPolicyID(policyID); err != nil {
		return err
	}
	if err := checkTargetID(targetID); err != nil {
		return err
	}
	resources := []store.EventResource{res(resPolicy, policyID)}
	return s.write(ctx, caller, "AttachPolicy", &resources, audit, nil, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		typ, err := s.policyType(ctx, tx, o, policyID)
		if err != nil {
			return err
		}
		t, err := loadTarget(ctx, tx, o, targetID)
		if err != nil {
			return err
		}
		if t == nil {
			return clone(errTargetNotFound)
		}
		resources = append(resources, t.resource())
		if !o.enabled(typ) {
			return clone(errTypeNotEnabled)
		}
		as, err := attachedTo(ctx, tx, o.Mgmt, targetID)
		if err != nil {
			return err
		}
		n := 0
		for _, a := range as {
			if a.policyID == policyID {
				return clone(errDuplicateAttach)
			}
			if a.typ == typ {
				n++
			}
		}
		if n >= maxAttachedOfType {
			return clone(errMaxAttachments)
		}
		return attachPolicy(ctx, tx, o.Mgmt, targetID, policyID, typ)
	})
}

// policyType returns the type of a policy of o, PolicyNotFound when there
// is none.
func (s *Service) policyType(ctx context.Context, r store.Reader, o *orgRec, policyID string) (string, error) {
	m, p, err := s.loadPolicy(ctx, r, o, policyID)
	switch {
	case err != nil:
		return "", err
	case m != nil:
		return m.summary.Type, nil
	case p != nil:
		return p.Type, nil
	}
	return "", clone(errPolicyNotFound)
}

// DetachPolicy detaches a policy from a target. A target keeps at least
// one policy of each enabled type (ConstraintViolationException
// MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED), and RCPFullAWSAccess cannot
// be detached ("You cannot detach this policy", RCP evaluation).
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html
func (s *Service) DetachPolicy(ctx context.Context, caller, policyID, targetID string, audit Audit) error {
	if err := checkPolicyID(policyID); err != nil {
		return err
	}
	if err := checkTargetID(targetID); err != nil {
		return err
	}
	resources := []store.EventResource{res(resPolicy, policyID)}
	return s.write(ctx, caller, "DetachPolicy", &resources, audit, nil, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		typ, err := s.policyType(ctx, tx, o, policyID)
		if err != nil {
			return err
		}
		t, err := loadTarget(ctx, tx, o, targetID)
		if err != nil {
			return err
		}
		if t == nil {
			return clone(errTargetNotFound)
		}
		resources = append(resources, t.resource())
		as, err := attachedTo(ctx, tx, o.Mgmt, targetID)
		if err != nil {
			return err
		}
		attached, n := false, 0
		for _, a := range as {
			if a.policyID == policyID {
				attached = true
			}
			if a.typ == typ {
				n++
			}
		}
		if !attached {
			return clone(errPolicyNotAttached)
		}
		if policyID == idRCPFullAWSAccess {
			return clone(errNonDetachable)
		}
		if n <= 1 {
			return clone(errMinAttachments)
		}
		return detachPolicy(ctx, tx, o.Mgmt, targetID, policyID)
	})
}

// ListPolicies lists the organization's policies of a type (Filter), the
// AWS managed one included, in id order.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html
func (s *Service) ListPolicies(ctx context.Context, caller, filter string, p Page) (ListPage[PolicySummary], error) {
	if err := checkPolicyType(filter); err != nil {
		return ListPage[PolicySummary]{}, err
	}
	var items []PolicySummary
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		items = append(items, s.defaults[filter].summary)
		recs, _, err := storejson.List[policyRec](ctx, r, o.Mgmt, kindPolicy, "")
		if err != nil {
			return err
		}
		for _, pr := range recs {
			if pr.Type == filter {
				items = append(items, pr.summary(o))
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[PolicySummary]{}, err
	}
	slices.SortFunc(items, func(a, b PolicySummary) int { return strings.Compare(a.ID, b.ID) })
	return paginate(items, func(ps PolicySummary) string { return ps.ID }, p)
}

// ListPoliciesForTarget lists the policies of a type attached directly to a
// root, OU or account.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html
func (s *Service) ListPoliciesForTarget(ctx context.Context, caller, targetID, filter string, p Page) (ListPage[PolicySummary], error) {
	if err := checkTargetID(targetID); err != nil {
		return ListPage[PolicySummary]{}, err
	}
	if err := checkPolicyType(filter); err != nil {
		return ListPage[PolicySummary]{}, err
	}
	var items []PolicySummary
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		t, err := loadTarget(ctx, r, o, targetID)
		if err != nil {
			return err
		}
		if t == nil {
			return clone(errTargetNotFound)
		}
		as, err := attachedTo(ctx, r, o.Mgmt, targetID)
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.typ != filter {
				continue
			}
			m, pr, err := s.loadPolicy(ctx, r, o, a.policyID)
			switch {
			case err != nil:
				return err
			case m != nil:
				items = append(items, m.summary)
			case pr != nil:
				items = append(items, pr.summary(o))
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[PolicySummary]{}, err
	}
	return paginate(items, func(ps PolicySummary) string { return ps.ID }, p)
}

// ListTargetsForPolicy lists the roots, OUs and accounts a policy is
// attached to.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html
func (s *Service) ListTargetsForPolicy(ctx context.Context, caller, policyID string, p Page) (ListPage[PolicyTargetSummary], error) {
	if err := checkPolicyID(policyID); err != nil {
		return ListPage[PolicyTargetSummary]{}, err
	}
	var items []PolicyTargetSummary
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		if _, err := s.policyType(ctx, r, o, policyID); err != nil {
			return err
		}
		ids, err := targetsOf(ctx, r, o.Mgmt, policyID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			t, err := loadTarget(ctx, r, o, id)
			if err != nil {
				return err
			}
			if t != nil {
				items = append(items, PolicyTargetSummary{TargetID: id, ARN: t.arn(o), Name: t.name, Type: t.targetType()})
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[PolicyTargetSummary]{}, err
	}
	return paginate(items, func(t PolicyTargetSummary) string { return t.TargetID }, p)
}

// EnablePolicyType enables SCPs or RCPs on the root and attaches the type's
// AWS managed policy (FullAWSAccess, RCPFullAWSAccess) to the root, every
// OU and every account ("Enabling a policy type",
// https://docs.aws.amazon.com/organizations/latest/userguide/enable-policy-type.html).
// cleanroom enables at once: the type is ENABLED on return, never
// PENDING_ENABLE.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html
func (s *Service) EnablePolicyType(ctx context.Context, caller, rootID, policyType string, audit Audit) (*Root, error) {
	return s.setPolicyType(ctx, caller, rootID, policyType, true, audit)
}

// DisablePolicyType disables a policy type on the root and detaches every
// policy of the type from every target; the policies themselves remain.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html
func (s *Service) DisablePolicyType(ctx context.Context, caller, rootID, policyType string, audit Audit) (*Root, error) {
	return s.setPolicyType(ctx, caller, rootID, policyType, false, audit)
}

func (s *Service) setPolicyType(ctx context.Context, caller, rootID, policyType string, enable bool, audit Audit) (*Root, error) {
	if err := checkIDParam("RootId", rootID, ReasonInvalidPattern, KindRoot); err != nil {
		return nil, err
	}
	if err := checkPolicyType(policyType); err != nil {
		return nil, err
	}
	op := "DisablePolicyType"
	if enable {
		op = "EnablePolicyType"
	}
	var out *Root
	var result any
	resources := []store.EventResource{res(resRoot, rootID)}
	err := s.write(ctx, caller, op, &resources, audit, &result, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		if rootID != o.RootID {
			return clone(errRootNotFound)
		}
		if o.FeatureSet != FeatureSetAll {
			return clone(errTypeNotAvailable)
		}
		if enable == o.enabled(policyType) {
			if enable {
				return clone(errTypeEnabled)
			}
			return clone(errTypeNotEnabled)
		}
		if enable {
			o.Enabled = append(o.Enabled, policyType)
			if err := s.attachEverywhere(ctx, tx, o, s.defaults[policyType].summary.ID, policyType); err != nil {
				return err
			}
		} else {
			o.Enabled = slices.DeleteFunc(o.Enabled, func(t string) bool { return t == policyType })
			if err := s.detachType(ctx, tx, o, policyType); err != nil {
				return err
			}
		}
		if err := storejson.Put(ctx, tx, key("", kindOrg, o.ID), o); err != nil {
			return err
		}
		r := o.root()
		out, result = &r, &r
		return nil
	})
	return out, err
}

// attachEverywhere attaches a policy to the root, every OU and every
// account of o.
func (s *Service) attachEverywhere(ctx context.Context, tx store.Tx, o *orgRec, policyID, typ string) error {
	targets := []string{o.RootID}
	ous, err := storejson.IDs(ctx, tx, o.Mgmt, kindOU, "")
	if err != nil {
		return err
	}
	accts, err := storejson.IDs(ctx, tx, o.Mgmt, kindAccount, "")
	if err != nil {
		return err
	}
	targets = append(append(targets, ous...), accts...)
	for _, t := range targets {
		if err := attachPolicy(ctx, tx, o.Mgmt, t, policyID, typ); err != nil {
			return err
		}
	}
	return nil
}

// detachType removes every attachment of a policy type in o.
func (s *Service) detachType(ctx context.Context, tx store.Tx, o *orgRec, typ string) error {
	recs, ids, err := storejson.List[attachmentRec](ctx, tx, o.Mgmt, kindAttachment, "")
	if err != nil {
		return err
	}
	for i, rec := range recs {
		if rec.Type != typ {
			continue
		}
		target, policyID, _ := strings.Cut(ids[i], "/")
		if err := detachPolicy(ctx, tx, o.Mgmt, target, policyID); err != nil {
			return err
		}
	}
	return nil
}
