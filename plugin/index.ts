// flex-roster as a Pulumi component provider (this folder's PulumiPlugin.yaml):
// it serves FlexRoster to Pulumi YAML, Python, Go and .NET programs.
//
// Pulumi's Node.js language host runs index.js, compiled from this file by
// `npm run build` (and by `prepare`, so a Git install has it). Pulumi infers the
// package schema from the TypeScript here and the declarations it imports
// (../dist/component/served.d.ts), with tsconfig.json beside it.

import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { FlexRoster } from "../dist/component/served";

export { FlexRoster };

// Serve FlexRoster only, under the package name of its type token
// (flex-roster:index:FlexRoster): nothing else of the package is a component.
void componentProviderHost({ name: "flex-roster", components: [FlexRoster], dirname: __dirname });
