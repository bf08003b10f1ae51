import type { PersonalPush, RenderedPush } from './delivery-job.ts';
import { placeholdersOf, renderDeepLink, renderTemplate } from './template.ts';

type PushTemplate = PersonalPush['template'];

const templatesOf = (t: PushTemplate) => [t.title, t.body, t.deepLink ?? ''];

/** Renders a push template; an empty deep link is left out. */
export const renderPush = (
  template: PushTemplate,
  values: Readonly<Record<string, unknown>>,
): RenderedPush => {
  const deepLink = template.deepLink ? renderDeepLink(template.deepLink, values) : undefined;
  return {
    title: renderTemplate(template.title, values),
    body: renderTemplate(template.body, values),
    ...(deepLink ? { deepLink } : {}),
  };
};

/** Whether a push differs per recipient (`{{recipient.id}}`...), so it is rendered once each. */
export const isPersonalised = (template: PushTemplate): boolean =>
  templatesOf(template).some((t) => placeholdersOf(t).some((p) => p.startsWith('recipient.')));

/** Whether rendering needs the recipient's profile: a template naming only `recipient.id` does not. */
export const readsProfile = (personal: PersonalPush): boolean =>
  templatesOf(personal.template).some((t) =>
    placeholdersOf(t).some((p) => p.startsWith('recipient.') && p !== 'recipient.id'),
  );

/**
 * What a personalised job carries instead of a text per recipient: the template and only the
 * detail values it reads (an event's detail may be far larger than what the push shows).
 */
export const personalPush = (
  template: PushTemplate,
  detail: Readonly<Record<string, unknown>>,
): PersonalPush => {
  const picked: Record<string, unknown> = {};
  for (const path of templatesOf(template).flatMap(placeholdersOf)) {
    const [root, ...rest] = path.split('.');
    if (root !== 'detail' || rest.length === 0) continue;
    let from: unknown = detail;
    let to = picked;
    rest.forEach((key, i) => {
      from = from !== null && typeof from === 'object' ? (from as Record<string, unknown>)[key] : undefined;
      if (from === undefined) return;
      if (i === rest.length - 1) {
        to[key] = from;
        return;
      }
      to[key] ??= {};
      to = to[key] as Record<string, unknown>;
    });
  }
  return { template, values: { detail: picked } };
};

/** The push one recipient of a personalised job gets. */
export const renderPersonal = (personal: PersonalPush, recipient: unknown): RenderedPush =>
  renderPush(personal.template, { ...personal.values, recipient });
