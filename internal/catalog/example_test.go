package catalog_test

import (
	"fmt"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
)

func ExampleCatalog_ExpandActions() {
	c, err := catalog.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range c.ExpandActions("CleanRooms:GetCollaboration*") {
		fmt.Println(a.FullName(), a.AccessLevel)
	}
	// Output:
	// cleanrooms:GetCollaboration Read
	// cleanrooms:GetCollaborationAnalysisTemplate Read
	// cleanrooms:GetCollaborationChangeRequest Read
	// cleanrooms:GetCollaborationConfiguredAudienceModelAssociation Read
	// cleanrooms:GetCollaborationIdNamespaceAssociation Read
	// cleanrooms:GetCollaborationPrivacyBudgetTemplate Read
}
