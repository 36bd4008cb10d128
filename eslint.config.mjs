// ESLint for the library, its tests, stacks and policy pack: typescript-eslint's recommended rules, the rules
// pulumi-eks keeps from its TSLint days, and @pulumi/eslint-plugin's Output checks, which need type information.
// Layout is Prettier's (.prettierrc), so no rule here is about spacing or line length.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
    // As .prettierignore: build output, local state, the hand-kept SDK subset (generator output) and Go.
    globalIgnores([
        "**/bin/",
        "**/node_modules/",
        ".engine/",
        ".plan/",
        ".bench/",
        "test/windows/.build/",
        "sdks/tencentcloud/",
        "test/engine/pulumi-language-nodejs/",
        "test/engine/pulumi-resource-terraform-provider/",
    ]),
    { linterOptions: { reportUnusedDisableDirectives: "error" } },
    js.configs.recommended,
    tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: {
                // Each file's nearest tsconfig.json: the root one, policy/'s, test/policy/'s.
                projectService: true,
                tsconfigRootDir: import.meta.dirname,
            },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            // An Output in a plain template literal prints a warning text, not its value: pulumi.interpolate.
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            // A promise nobody awaits loses its rejection; Pulumi programs are full of them.
            // (node:test's describe and it return promises the runner itself awaits.)
            "@typescript-eslint/no-floating-promises": [
                "error",
                {
                    allowForKnownSafeCalls: [
                        { from: "package", package: "node:test", name: ["describe", "it", "suite", "test"] },
                    ],
                },
            ],
            "@typescript-eslint/no-misused-promises": "error",
        },
    },
    {
        // pulumi-eks's rules (nodejs/eks/.eslintrc.js) that are not layout, but default-case: tsc's
        // noImplicitReturns and the union types check that a switch covers every case.
        rules: {
            curly: "error",
            eqeqeq: ["error", "smart"],
            "guard-for-in": "error",
            "id-denylist": [
                "error",
                "any",
                "Number",
                "number",
                "String",
                "string",
                "Boolean",
                "boolean",
                "Undefined",
                "undefined",
            ],
            "no-caller": "error",
            "no-eval": "error",
            "no-new-wrappers": "error",
            "no-var": "error",
            "prefer-const": "error",
            radix: "error",
            "spaced-comment": ["error", "always", { markers: ["/"] }],
            // No console.debug, info, trace or time left behind.
            "no-console": ["error", { allow: ["log", "warn", "error", "dir", "table", "group", "groupEnd"] }],
            "@typescript-eslint/no-empty-function": "error",
            "@typescript-eslint/no-unused-expressions": "error",
            "@typescript-eslint/prefer-namespace-keyword": "error",
            // `const { dropped: _d, ...rest } = x` leaves out a field; tsc's noUnusedLocals allows it too.
            "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
            // PascalCase too, for the enums written as const objects (as Pulumi's generated SDKs write them).
            "@typescript-eslint/naming-convention": [
                "error",
                {
                    selector: "variable",
                    format: ["camelCase", "UPPER_CASE", "PascalCase"],
                    leadingUnderscore: "allow",
                    trailingUnderscore: "forbid",
                },
            ],
        },
    },
    {
        // Mocks, gRPC requests and the runtime internals the tests patch are untyped (pulumi.runtime.Mocks
        // itself takes and returns any); pulumi-eks allows any everywhere, the library and policy pack keep it out.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        files: ["**/*.mjs"],
        extends: [tseslint.configs.disableTypeChecked],
        languageOptions: { globals: { console: "readonly", process: "readonly" } },
    },
);
