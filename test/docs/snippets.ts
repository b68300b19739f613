// Extracts the ```ts blocks of the Markdown docs and type-checks them against the workspace sources, so a doc
// example that stops compiling (a renamed export, a changed option) fails CI. See test/docs/snippets.test.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One ```ts block of a Markdown file, with the hidden setup that precedes it (if any). */
export interface Snippet {
  /** The Markdown file, relative to the repository root (`docs/embedding.md`). */
  readonly file: string;
  /** 1-based line of the first code line (the line after the opening fence). */
  readonly line: number;
  /** 1-based line of the first setup line, when there is a setup comment. */
  readonly setupLine?: number;
  readonly setup: string;
  readonly code: string;
}

/** A compiler message, mapped back to the Markdown line it comes from. */
export interface SnippetProblem {
  readonly where: string;
  readonly message: string;
}

const FENCE_OPEN = /^```ts\s*$/;
const FENCE_CLOSE = /^```\s*$/;
const SETUP_OPEN = /^<!--\s*ts-setup\s*$/;
const SETUP_CLOSE = /^-->\s*$/;

/**
 * The ```ts blocks of one Markdown text. A block may be preceded (blank lines allowed in between) by a hidden
 * setup comment whose lines are compiled before the block but not shown by Markdown renderers:
 *
 *     <!-- ts-setup
 *     import type { HttpClient } from '@mcp-oauth/http';
 *     declare const http: HttpClient;
 *     -->
 */
export function extractSnippets(file: string, markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let pendingSetup: { line: number; text: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (SETUP_OPEN.test(line)) {
      const end = lines.findIndex((l, j) => j > i && SETUP_CLOSE.test(l));
      if (end < 0) throw new Error(`${file}:${i + 1}: unterminated ts-setup comment`);
      pendingSetup = { line: i + 2, text: lines.slice(i + 1, end).join('\n') };
      i = end;
      continue;
    }
    if (FENCE_OPEN.test(line)) {
      const end = lines.findIndex((l, j) => j > i && FENCE_CLOSE.test(l));
      if (end < 0) throw new Error(`${file}:${i + 1}: unterminated code block`);
      snippets.push({
        file,
        line: i + 2,
        ...(pendingSetup ? { setupLine: pendingSetup.line } : {}),
        setup: pendingSetup?.text ?? '',
        code: lines.slice(i + 1, end).join('\n'),
      });
      pendingSetup = undefined;
      i = end;
      continue;
    }
    // A setup comment belongs to the block right after it: anything but blank lines in between drops it.
    if (line.trim() !== '') pendingSetup = undefined;
  }
  return snippets;
}

/** Every Markdown file under `dir` (recursively), relative to `root`, sorted. */
export function markdownFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(root, rel));
    else if (entry.name.endsWith('.md')) out.push(rel);
  }
  return out.sort();
}

/**
 * Where the snippets are compiled from, as if they were files there (the root package is ESM). An import the root
 * cannot resolve is resolved from each workspace package in turn: a snippet may use any dependency of any package
 * (the MCP SDK, @keyv/redis…), as an application that installed those packages would. `@mcp-oauth/*` resolves to
 * the workspace sources through the root tsconfig `paths`.
 */
const SNIPPET_DIR = 'test/docs/__snippets__';

/** A file path inside each workspace package, to resolve a snippet's imports from when the root cannot. */
function packageBases(root: string): string[] {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, 'packages', entry.name, '__snippet__.ts'))
    .sort();
}

/**
 * Type-checks each snippet as its own ES module (setup + code + `export {}`) with the root tsconfig's options.
 * Nothing is written to disk: the files are virtual. Returns every error, mapped to the Markdown line.
 */
export function checkSnippets(root: string, snippets: readonly Snippet[]): SnippetProblem[] {
  const configPath = join(root, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };

  const virtual = new Map<string, { snippet: Snippet; text: string; setupLines: number }>();
  snippets.forEach((snippet, index) => {
    const slug = snippet.file.replace(/[^A-Za-z0-9]+/g, '-');
    const path = resolve(root, SNIPPET_DIR, `${slug}-${index}-line-${snippet.line}.ts`);
    const setupLines = snippet.setup === '' ? 0 : snippet.setup.split('\n').length;
    const text = `${snippet.setup === '' ? '' : `${snippet.setup}\n`}${snippet.code}\nexport {};\n`;
    virtual.set(path, { snippet, text, setupLines });
  });

  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const entry = virtual.get(resolve(fileName));
    return entry
      ? ts.createSourceFile(fileName, entry.text, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(resolve(fileName)) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(resolve(fileName))?.text ?? readFile(fileName);
  const bases = packageBases(root);
  const cache = ts.createModuleResolutionCache(root, (f) => f, options);
  host.resolveModuleNameLiterals = (
    literals,
    containingFile,
    redirected,
    compilerOptions,
    containingSource,
  ) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(containingSource, literal, compilerOptions);
      const from = (file: string) =>
        ts.resolveModuleName(literal.text, file, compilerOptions, host, cache, redirected, mode);
      const first = from(containingFile);
      if (first.resolvedModule || !virtual.has(resolve(containingFile))) return first;
      for (const base of bases) {
        const found = from(base);
        if (found.resolvedModule) return found;
      }
      return first;
    });

  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems: SnippetProblem[] = [];
  for (const [path, { snippet, setupLines }] of virtual) {
    const source = program.getSourceFile(path);
    if (!source) throw new Error(`snippet ${path} was not compiled`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const d of diagnostics) {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
      const mdLine = line < setupLines ? (snippet.setupLine ?? 0) + line : snippet.line + (line - setupLines);
      problems.push({
        where: `${snippet.file}:${mdLine}${line < setupLines ? ' (ts-setup)' : ''}`,
        message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      });
    }
  }
  return problems;
}

/** The snippets of README.md and every doc under docs/, in file order. */
export function repositorySnippets(root: string): Snippet[] {
  const packageReadmes = readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join('packages', entry.name, 'README.md'))
    .filter((file) => existsSync(join(root, file)))
    .sort();
  const files = ['README.md', ...packageReadmes, ...markdownFiles(root, 'docs')];
  return files.flatMap((file) =>
    extractSnippets(relative(root, join(root, file)), readFileSync(join(root, file), 'utf8')),
  );
}
