/** A resolver map as graphql-tools and Apollo take it: type name → field (or scalar) name → resolver. */
type ResolverMap = Record<string, object>;

/**
 * Merges the resolver maps of the SDL modules type by type. A field (or a scalar, an enum) defined by
 * two modules is a wiring mistake that would otherwise let the last definition win silently: it throws.
 */
export function mergeResolvers<T>(parts: ReadonlyArray<{ name: string; resolvers: T }>): T {
  const merged: Record<string, Record<string, unknown>> = {};
  const owner = new Map<string, string>();
  for (const { name, resolvers } of parts) {
    for (const [typeName, value] of Object.entries(resolvers as ResolverMap)) {
      // A scalar type (GraphQLScalarType instance) is defined whole, not field by field.
      const isFieldMap = Object.getPrototypeOf(value) === Object.prototype;
      const entries = isFieldMap ? Object.entries(value) : [['', value] as const];
      for (const [field, resolver] of entries) {
        const id = field ? `${typeName}.${field}` : typeName;
        const previous = owner.get(id);
        if (previous) throw new Error(`${id} is resolved by both resolvers/${previous}.ts and resolvers/${name}.ts`);
        owner.set(id, name);
        if (!isFieldMap) merged[typeName] = resolver as Record<string, unknown>;
        else merged[typeName] = { ...merged[typeName], [field]: resolver as unknown };
      }
    }
  }
  return merged as T;
}
