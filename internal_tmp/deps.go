package deps

import (
	_ "github.com/MaxHalford/eaopt"
	_ "github.com/dlclark/regexp2"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/spf13/cobra"
	_ "gonum.org/v1/gonum/stat/distuv"
	_ "gonum.org/v1/plot"
	_ "gopkg.in/yaml.v3"
	_ "golang.org/x/term"
)
