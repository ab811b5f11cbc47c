// TypeDoc plugin (typedoc.json "plugin"): every symbol is documented once, under the module that defines it.
// `@simpleclick/core/node` and `/web` re-export the whole root entry; TypeDoc would list each re-export again on
// their pages ("References: X -> X"). Its `excludeReferences` option drops those listings but, dropping them before
// links are resolved, also breaks the `{@link}`s from the runtime entries' own comments to root symbols. So the
// listings are kept while links resolve (a link to a re-export resolves to the symbol's one page) and removed
// just after, from the modules and from their index groups and categories.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const { project } = context;
      const references = new Set(project.getReflectionsByKind(ReflectionKind.Reference));
      for (const reference of references) project.removeReflection(reference);
      const keep = (children) => children.filter((child) => !references.has(child));
      const prune = (groups) =>
        groups
          ?.map((group) => {
            group.children = keep(group.children);
            if (group.categories !== undefined) group.categories = prune(group.categories);
            return group;
          })
          .filter((group) => group.children.length > 0);
      for (const container of [project, ...project.getReflectionsByKind(ReflectionKind.SomeModule)]) {
        if (container.groups !== undefined) container.groups = prune(container.groups);
        if (container.categories !== undefined) container.categories = prune(container.categories);
      }
    },
    // Handlers with lower numbers run later: this one after TypeDoc's groups (-100), categories (-200) and link
    // resolution (-300) on the same event.
    -1000,
  );
}
