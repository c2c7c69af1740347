// graphql-codegen plugin: embeds the merged schema as `typeDefs`, so handlers need no .graphql files at run time.
const { printSchemaWithDirectives } = require('@graphql-tools/utils');

module.exports = {
  plugin(schema) {
    return `\n/** The merged schema of graphql/*.graphql (generated). */\nexport const typeDefs = ${JSON.stringify(printSchemaWithDirectives(schema))};\n`;
  },
};
