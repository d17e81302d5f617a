package metadata

import "strings"

// CompletionRequest is the first argument with which the host requests
// shell completion when DelegateBashCompletion is set, as in
// "BINARY SendCompletion kp key sync -o" (ibm-cloud-cli-sdk v1.12.1
// plugin/plugin.go, and plugin_examples/auto_complete_delegation.go in the
// SDK's repository).
const CompletionRequest = "SendCompletion"

// Complete returns the words that may follow words on the command line,
// one candidate per element, for the host's tab completion. words are what
// the user typed after "ibmcloud", the namespace included. When they do not
// start with a namespace of the plug-in, envNamespace (the host's
// IBMCLOUD_PLUGIN_NAMESPACE) is taken as typed before them. The shell
// filters the candidates by the word being completed, so Complete does not.
//
// NOTE: whether the host passes the partly typed last word was not checked
// against a real ibmcloud CLI. A last word that names no namespace or
// command is therefore taken as partly typed, as the SDK's example plug-in
// does, and the candidates for its position are returned.
func Complete(envNamespace string, words []string) []string {
	if !startsWithNamespace(words) && envNamespace != "" {
		words = append(strings.Fields(envNamespace), words...)
	}

	if len(words) == 0 || (len(words) == 1 && !IsNamespace(words[0])) {
		return []string{NamespaceKP}
	}

	for n := min(len(words), 2); n > 0; n-- {
		namespace := strings.Join(words[:n], " ")
		if !IsNamespace(namespace) {
			continue
		}
		rest := words[n:]
		if len(rest) == 0 {
			return append(childNamespaces(namespace), commandNames(namespace)...)
		}
		for _, spec := range commands {
			if spec.namespace == namespace && spec.name == rest[0] {
				return spec.completeArguments(rest[1:])
			}
		}
		if len(rest) == 1 {
			return append(childNamespaces(namespace), commandNames(namespace)...)
		}
		return nil
	}
	return nil
}

func startsWithNamespace(words []string) bool {
	return len(words) > 0 && IsNamespace(words[0])
}

// childNamespaces returns the names of the namespaces directly under parent.
func childNamespaces(parent string) []string {
	if parent == NamespaceKP {
		return []string{strings.TrimPrefix(NamespaceKPKey, NamespaceKP+" ")}
	}
	return nil
}

func commandNames(namespace string) []string {
	var names []string
	for _, spec := range commands {
		if spec.namespace == namespace {
			names = append(names, spec.name)
		}
	}
	return names
}

// completeArguments returns the candidates after the command's own
// arguments args: the values of a flag that was typed last and takes one,
// or else the flags not given yet. Keys and instances are not listed,
// because that would need a Key Protect request on every tab press.
func (spec commandSpec) completeArguments(args []string) []string {
	used := map[string]bool{}
	for i, arg := range args {
		if arg == "--" {
			return nil
		}
		flag, ok := spec.findFlag(arg)
		if !ok {
			continue
		}
		used[flag.long] = true
		if flag.hasValue && i == len(args)-1 {
			return flag.values
		}
	}

	var candidates []string
	for _, flag := range spec.flags {
		if used[flag.long] {
			continue
		}
		candidates = append(candidates, "--"+flag.long)
		if flag.short != "" {
			candidates = append(candidates, "-"+flag.short)
		}
	}
	if len(args) == 0 {
		candidates = append(candidates, "--"+FlagHelp, "-h")
	}
	return candidates
}

// findFlag returns the flag that arg names, as -i, --instance-id or the
// single-dash long form that the argument parser also accepts.
func (spec commandSpec) findFlag(arg string) (flagSpec, bool) {
	if !strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
		return flagSpec{}, false
	}
	name := strings.TrimLeft(arg, "-")
	for _, flag := range spec.flags {
		if name == flag.long || (flag.short != "" && name == flag.short) {
			return flag, true
		}
	}
	return flagSpec{}, false
}
