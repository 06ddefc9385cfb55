package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestListManyUsers(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ts.iam(ts.root)
	for i := range 250 {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("user%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Users)
	}
	if n != 250 {
		t.Fatalf("listed %d users, want 250", n)
	}
}
