module github.com/key-protect-sync/kp-sync

go 1.26.5
