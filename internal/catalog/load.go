package catalog

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// data holds the embedded data files; data/README.md says where they come from.
//
//go:embed data/iam-data data/global-condition-keys.json data/managed-policies
var data embed.FS

const (
	iamDataDir    = "data/iam-data"
	globalKeyFile = "data/global-condition-keys.json"
)

// The JSON shapes of the iam-data files.
type (
	rawAction struct {
		Name             string           `json:"name"`
		Description      string           `json:"description"`
		AccessLevel      string           `json:"accessLevel"`
		ResourceTypes    []rawActionRType `json:"resourceTypes"`
		ConditionKeys    []string         `json:"conditionKeys"`
		DependentActions []string         `json:"dependentActions"`
	}
	rawActionRType struct {
		Name             string   `json:"name"`
		Required         bool     `json:"required"`
		ConditionKeys    []string `json:"conditionKeys"`
		DependentActions []string `json:"dependentActions"`
	}
	rawResourceType struct {
		Key           string   `json:"key"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	rawConditionKey struct {
		Key         string `json:"key"`
		Description string `json:"description"`
		Type        string `json:"type"`
	}
	rawGlobalKeys struct {
		Keys []struct {
			Key          string `json:"key"`
			Type         string `json:"type"`
			ValueType    string `json:"valueType"`
			Availability string `json:"availability"`
		} `json:"keys"`
	}
)

// Load parses the embedded data into a new Catalog. It takes a few
// milliseconds; callers keep the result (or use [Default]).
func Load() (*Catalog, error) {
	c := &Catalog{
		services:   map[string]*Service{},
		actions:    map[string]*Action{},
		globalKeys: map[string]*ConditionKey{},
		keys:       map[string]*ConditionKey{},
		rcp:        map[string]bool{},
		policies:   map[string]*ManagedPolicy{},
	}
	if err := c.loadGlobalKeys(); err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, f := range []string{"serviceNames.subset.json", "serviceNames.extra.json"} {
		if err := readJSON(path.Join(iamDataDir, f), &names); err != nil {
			return nil, err
		}
	}
	entries, err := fs.ReadDir(data, path.Join(iamDataDir, "actions"))
	if err != nil {
		return nil, fmt.Errorf("catalog: list services: %w", err)
	}
	for _, e := range entries {
		if prefix, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() {
			c.prefixes = append(c.prefixes, prefix)
		}
	}
	slices.Sort(c.prefixes)
	// The services' files are independent: parse them in parallel.
	svcs := make([]*Service, len(c.prefixes))
	errs := make([]error, len(c.prefixes))
	var wg sync.WaitGroup
	for i, prefix := range c.prefixes {
		wg.Go(func() { svcs[i], errs[i] = loadService(prefix, names[prefix]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, s := range svcs {
		c.services[lowerASCII(s.Prefix)] = s
	}
	if len(c.prefixes) == 0 {
		return nil, errors.New("catalog: no services in the embedded data")
	}
	c.indexActions()
	if err := c.indexServiceKeys(); err != nil {
		return nil, err
	}
	var rcp []string
	if err := readJSON(path.Join(iamDataDir, "rcpSupportedServices.json"), &rcp); err != nil {
		return nil, err
	}
	for _, p := range rcp {
		c.rcp[lowerASCII(p)] = true
	}
	if err := c.loadPolicies(); err != nil {
		return nil, err
	}
	return c, nil
}

func readJSON(name string, v any) error {
	b, err := data.ReadFile(name)
	if err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("catalog: parse %s: %w", name, err)
	}
	return nil
}

func (c *Catalog) loadGlobalKeys() error {
	var g rawGlobalKeys
	if err := readJSON(globalKeyFile, &g); err != nil {
		return err
	}
	for _, k := range g.Keys {
		if k.Key == "" || k.Type == "" {
			return fmt.Errorf("catalog: %s: entry %q without key or type", globalKeyFile, k.Key)
		}
		// The global list writes tag keys as aws:PrincipalTag/tag-key; use the
		// Service Authorization Reference's template form.
		name := k.Key
		if base, ok := strings.CutSuffix(name, "/tag-key"); ok {
			name = base + "/${TagKey}"
		}
		ck := newConditionKey(name, k.Type, "", k.Availability)
		ck.Global = true
		ck.Multivalued = ck.Multivalued || k.ValueType == "Multivalued"
		c.addKey(ck, true)
	}
	return nil
}

// addKey indexes a condition key unless an entry of the same name exists.
func (c *Catalog) addKey(k *ConditionKey, global bool) {
	lk := lowerASCII(k.Key)
	if _, dup := c.keys[lk]; dup {
		return
	}
	c.keys[lk] = k
	if global {
		c.globalKeys[lk] = k
	}
	if k.template {
		c.templates = append(c.templates, k)
		if global {
			c.globalTemplates = append(c.globalTemplates, k)
		}
	}
}

func newConditionKey(key, typ, service, desc string) *ConditionKey {
	pat, tmpl, lit := keyPattern(key)
	return &ConditionKey{
		Key:         key,
		Type:        typ,
		Multivalued: strings.HasPrefix(typ, "ArrayOf"),
		Service:     service,
		Description: desc,
		pat:         pat,
		template:    tmpl,
		literal:     lit,
	}
}

// keyPattern turns a condition key as the data lists it into a wildcard
// pattern: each variable part, ${Name} or <name>, becomes "?*" (one or more
// characters). It also reports whether there was a variable part and how
// many literal characters remain.
func keyPattern(key string) (pat string, template bool, literal int) {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		var end int
		switch {
		case strings.HasPrefix(key[i:], "${"):
			end = strings.IndexByte(key[i:], '}')
		case key[i] == '<':
			end = strings.IndexByte(key[i:], '>')
		default:
			end = -1
		}
		if end > 0 {
			b.WriteString("?*")
			template = true
			i += end
			continue
		}
		b.WriteByte(key[i])
		literal++
	}
	return lowerASCII(b.String()), template, literal
}

func keyPatterns(keys []string) []string {
	if len(keys) == 0 {
		return nil
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i], _, _ = keyPattern(k)
	}
	return out
}

func loadService(prefix, name string) (*Service, error) {
	var (
		rawActs  map[string]rawAction
		rawTypes map[string]rawResourceType
		rawKeys  map[string]rawConditionKey
	)
	for _, f := range []struct {
		dir string
		v   any
	}{{"actions", &rawActs}, {"resourceTypes", &rawTypes}, {"conditionKeys", &rawKeys}} {
		if err := readJSON(path.Join(iamDataDir, f.dir, prefix+".json"), f.v); err != nil {
			return nil, err // the file name says which service
		}
	}
	if name == "" {
		name = prefix
	}
	s := &Service{
		Prefix:        prefix,
		Name:          name,
		Actions:       make(map[string]*Action, len(rawActs)),
		ResourceTypes: make(map[string]*ResourceType, len(rawTypes)),
		ConditionKeys: make(map[string]*ConditionKey, len(rawKeys)),
	}
	for lk, r := range rawTypes {
		if r.Key == "" || r.ARN == "" {
			return nil, fmt.Errorf("catalog: service %s: resource type %q without name or ARN format", prefix, lk)
		}
		f, err := compileARNFormat(r.ARN)
		if err != nil {
			return nil, fmt.Errorf("catalog: service %s: resource type %s: %w", prefix, r.Key, err)
		}
		s.ResourceTypes[lowerASCII(r.Key)] = &ResourceType{
			Service:       prefix,
			Name:          r.Key,
			ARNFormat:     r.ARN,
			ConditionKeys: r.ConditionKeys,
			arn:           f,
			keyPats:       keyPatterns(r.ConditionKeys),
		}
	}
	for lk, r := range rawKeys {
		if r.Key == "" || r.Type == "" {
			return nil, fmt.Errorf("catalog: service %s: condition key %q without name or type", prefix, lk)
		}
		s.ConditionKeys[lowerASCII(r.Key)] = newConditionKey(r.Key, r.Type, prefix, r.Description)
	}
	for lk, r := range rawActs {
		if r.Name == "" {
			return nil, fmt.Errorf("catalog: service %s: action %q without name", prefix, lk)
		}
		a := &Action{
			Service:          prefix,
			Name:             r.Name,
			Description:      r.Description,
			AccessLevel:      r.AccessLevel,
			ConditionKeys:    r.ConditionKeys,
			DependentActions: r.DependentActions,
			fullName:         prefix + ":" + r.Name,
			keyPats:          keyPatterns(r.ConditionKeys),
		}
		if len(r.ResourceTypes) > 0 {
			a.ResourceTypes = make([]ActionResource, len(r.ResourceTypes))
		}
		for i, rr := range r.ResourceTypes {
			rt, ok := s.ResourceTypes[lowerASCII(rr.Name)]
			if rr.Name == "" || !ok {
				return nil, fmt.Errorf("catalog: action %s: unknown resource type %q", a.fullName, rr.Name)
			}
			a.ResourceTypes[i] = ActionResource{
				Name:             rr.Name,
				Required:         rr.Required,
				ConditionKeys:    rr.ConditionKeys,
				DependentActions: rr.DependentActions,
				Type:             rt,
				keyPats:          keyPatterns(rr.ConditionKeys),
			}
		}
		s.Actions[lowerASCII(r.Name)] = a
	}
	return s, nil
}

func (c *Catalog) indexActions() {
	for _, p := range c.prefixes {
		s := c.services[lowerASCII(p)]
		lks := make([]string, 0, len(s.Actions))
		for lk := range s.Actions {
			lks = append(lks, lk)
		}
		slices.Sort(lks)
		for _, lk := range lks {
			a := s.Actions[lk]
			c.actions[lowerASCII(p)+":"+lk] = a
			c.sorted = append(c.sorted, a)
		}
	}
}

// indexServiceKeys adds the services' condition keys to the catalog-wide
// index: after the global keys, each service's own keys first (those whose
// prefix is the service's, or an identity-provider prefix that the data
// assigns to it), then the rest (e.g. the aws: keys each service repeats).
func (c *Catalog) indexServiceKeys() error {
	owners := map[string][]string{}
	if err := readJSON(path.Join(iamDataDir, "unassociatedConditions.subset.json"), &owners); err != nil {
		return err
	}
	ownerPats := map[string][]string{} // service → key-prefix patterns it owns
	for kp, svcs := range owners {
		pat, _, _ := keyPattern(kp)
		for _, s := range svcs {
			ownerPats[lowerASCII(s)] = append(ownerPats[lowerASCII(s)], pat)
		}
	}
	owned := func(s *Service, k *ConditionKey) bool {
		kp, _, _ := strings.Cut(k.Key, ":")
		if strings.EqualFold(kp, s.Prefix) {
			return true
		}
		kpPat, _, _ := keyPattern(kp)
		return slices.Contains(ownerPats[lowerASCII(s.Prefix)], kpPat)
	}
	for pass := range 2 {
		for _, p := range c.prefixes {
			s := c.services[lowerASCII(p)]
			lks := make([]string, 0, len(s.ConditionKeys))
			for lk := range s.ConditionKeys {
				lks = append(lks, lk)
			}
			slices.Sort(lks)
			for _, lk := range lks {
				k := s.ConditionKeys[lk]
				if _, ok := c.globalKeys[lk]; ok {
					k.Global = true
				} else if k.template && c.isGlobalTemplate(k.Key) {
					k.Global = true
				}
				if (pass == 0) == owned(s, k) {
					c.addKey(k, false)
				}
			}
		}
	}
	// Most specific template first: global ones, then by literal length.
	slices.SortStableFunc(c.templates, func(a, b *ConditionKey) int {
		switch {
		case a.Global != b.Global:
			if a.Global {
				return -1
			}
			return 1
		case a.literal != b.literal:
			return b.literal - a.literal
		}
		return strings.Compare(lowerASCII(a.Key), lowerASCII(b.Key))
	})
	return nil
}

func (c *Catalog) isGlobalTemplate(key string) bool {
	pat, _, _ := keyPattern(key)
	for _, g := range c.globalTemplates {
		if g.pat == pat {
			return true
		}
	}
	return false
}
