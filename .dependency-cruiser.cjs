/** Folders import downward only: a cycle between two folders of src/ fails lint. */
module.exports = {
  forbidden: [
    {
      name: "no-folder-cycle",
      severity: "error",
      comment: "src/'s folders import downward only; docs/architecture.md draws the arrows",
      scope: "folder",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-test-code-in-src",
      severity: "error",
      comment: "test rigs live under test/, bench/ and scripts/; the package never loads them",
      from: { path: "^src/" },
      to: { path: "^(test|bench|scripts)/" },
    },
  ],
  options: {
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
  },
};
