package storejson_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "storejson")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "cleanroom.db"), sqlite.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	// A service's document type and record kind.
	type user struct {
		Name string `json:"name"`
		Path string `json:"path"`
	}
	const account, kind = "111122223333", "example/user"

	err = st.Update(ctx, func(tx store.Tx) error {
		for _, name := range []string{"mateo", "alice"} {
			k := store.Key{Account: account, Kind: kind, ID: name}
			if err := storejson.Create(ctx, tx, k, user{Name: name, Path: "/"}); err != nil {
				return err
			}
		}
		return storejson.Delete(ctx, tx, store.Key{Account: account, Kind: kind, ID: "nobody"})
	})
	if err != nil {
		log.Fatal(err)
	}

	err = st.View(ctx, func(r store.Reader) error {
		u, err := storejson.Get[user](ctx, r, store.Key{Account: account, Kind: kind, ID: "alice"})
		if err != nil {
			return err
		}
		fmt.Printf("alice: %+v\n", *u)

		missing, err := storejson.Get[user](ctx, r, store.Key{Account: account, Kind: kind, ID: "nobody"})
		if err != nil {
			return err
		}
		fmt.Println("nobody:", missing)

		users, ids, err := storejson.List[user](ctx, r, account, kind, "")
		if err != nil {
			return err
		}
		for i, u := range users {
			fmt.Println(ids[i], u.Path)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// alice: {Name:alice Path:/}
	// nobody: <nil>
	// alice /
	// mateo /
}
