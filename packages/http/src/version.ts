/** Version of `@mcp-oauth/http`, kept equal to package.json (a test checks). */
export const VERSION = '0.1.0';
