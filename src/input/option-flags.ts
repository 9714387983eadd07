// How the CLI spells each reader option (src/cli/main.ts). Usage errors and hints name the flag
// the user typed, not the ReadOptions field; this is the one place to change if a flag is renamed.

export const FLAG = {
  format: '--input-format',
  delimiter: '--delimiter',
  header: '--header',
  noHeader: '--no-header',
  columns: '--columns',
  excludeColumns: '--exclude-columns',
  tensor: '--tensor',
  idColumn: '--id-column',
  emptyAsNaN: '--empty-as-nan',
} as const;
