/**
 * English and Spanish. Counts go through Intl.PluralRules, so a language with other plural
 * forms only adds its entries. The count line keeps the founding page's own words.
 */
type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
type Messages = Record<string, string | Plural>;

const en: Messages = {
  count: { one: '({n}) Comment', other: '({n}) Comments' },
  countArchived: { one: '({n}) Archived Comment', other: '({n}) Archived Comments' },
  newComments: { one: 'View {n} new comment', other: 'View {n} new comments' },
  expired: 'Commenting has expired',
  closed: 'Commenting has been closed on this story',
  archived: 'These comments are archived and read-only.',
  signIn: 'Sign in to join the conversation.',
  label: 'Your comment',
  replyLabel: 'Your reply to {name}',
  post: 'Post comment',
  posting: 'Posting…',
  cancel: 'Cancel',
  reply: 'Reply',
  edit: 'Edit',
  save: 'Save',
  delete: 'Delete',
  confirmDelete: 'Delete this comment?',
  report: 'Report',
  reportReason: 'Why should a moderator look at this comment?',
  reported: 'Thank you: a moderator will look at it.',
  loadMore: 'Load more comments',
  loading: 'Loading comments…',
  none: 'No comments yet.',
  deleted: 'This comment was deleted.',
  pending: 'Awaiting moderation: only you can see this comment for now.',
  approved: 'Your comment was approved.',
  rejected: 'Your comment was not published: {reason}',
  held: 'Your comment is waiting for a moderator.',
  you: 'You',
  rateLimited: 'You are posting too fast. Please wait {s} seconds and try again.',
  banned: 'You are banned from commenting: {reason}',
  suspended: 'You cannot comment until {until}: {reason}',
  editClosed: 'This comment can no longer be edited.',
  tooLong: 'Your comment is too long.',
  empty: 'Please write something first.',
  signedOut: 'Please sign in again.',
  failed: 'Something went wrong. Please try again.',
  network: 'We could not reach the comments. Check your connection and try again.',
  notFound: 'Comments are not available for this story.',
  comments: 'Comments',
  warned: 'A moderator has warned you: {reason}',
  understood: 'I understand',
};

const es: Messages = {
  count: { one: '({n}) Comentario', other: '({n}) Comentarios' },
  countArchived: { one: '({n}) Comentario archivado', other: '({n}) Comentarios archivados' },
  newComments: { one: 'Ver {n} comentario nuevo', other: 'Ver {n} comentarios nuevos' },
  expired: 'El plazo para comentar ha terminado',
  closed: 'Los comentarios de esta noticia están cerrados',
  archived: 'Estos comentarios están archivados y son de solo lectura.',
  signIn: 'Inicia sesión para participar en la conversación.',
  label: 'Tu comentario',
  replyLabel: 'Tu respuesta a {name}',
  post: 'Publicar comentario',
  posting: 'Publicando…',
  cancel: 'Cancelar',
  reply: 'Responder',
  edit: 'Editar',
  save: 'Guardar',
  delete: 'Eliminar',
  confirmDelete: '¿Eliminar este comentario?',
  report: 'Denunciar',
  reportReason: '¿Por qué debería revisarlo un moderador?',
  reported: 'Gracias: un moderador lo revisará.',
  loadMore: 'Cargar más comentarios',
  loading: 'Cargando comentarios…',
  none: 'Todavía no hay comentarios.',
  deleted: 'Este comentario fue eliminado.',
  pending: 'Pendiente de moderación: por ahora solo tú lo ves.',
  approved: 'Tu comentario fue aprobado.',
  rejected: 'Tu comentario no se publicó: {reason}',
  held: 'Tu comentario espera a un moderador.',
  you: 'Tú',
  rateLimited: 'Estás publicando demasiado rápido. Espera {s} segundos e inténtalo de nuevo.',
  banned: 'Tienes prohibido comentar: {reason}',
  suspended: 'No puedes comentar hasta el {until}: {reason}',
  editClosed: 'Este comentario ya no se puede editar.',
  tooLong: 'Tu comentario es demasiado largo.',
  empty: 'Escribe algo primero.',
  signedOut: 'Vuelve a iniciar sesión.',
  failed: 'Algo salió mal. Inténtalo de nuevo.',
  network: 'No pudimos cargar los comentarios. Revisa tu conexión.',
  notFound: 'Los comentarios no están disponibles para esta noticia.',
  comments: 'Comentarios',
  warned: 'Un moderador te ha advertido: {reason}',
  understood: 'Entendido',
};

const CATALOGS: Record<string, Messages> = { en, es };

export interface I18n {
  locale: string;
  t(key: string, values?: Record<string, string | number>): string;
  time(iso: string): string;
}

export function i18n(requested: string): I18n {
  const language = requested.toLowerCase().split('-')[0]!;
  const locale = CATALOGS[language] ? requested : 'en-US';
  const catalog = CATALOGS[language] ?? en;
  const plural = new Intl.PluralRules(locale);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' });
  return {
    locale,
    t(key, values = {}) {
      const entry = catalog[key] ?? en[key] ?? key;
      const text = typeof entry === 'string' ? entry : (entry[plural.select(Number(values.n ?? 0))] ?? entry.other);
      return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
    },
    time: (iso) => dates.format(new Date(iso)),
  };
}
