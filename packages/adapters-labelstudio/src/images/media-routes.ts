/*
 * The Label Studio routes that serve task media, the only paths the backend sends its Label Studio token to:
 * - `/data/upload/<project>/<file>`: uploaded files (local default storage);
 * - `/storage-data/uploaded/?filepath=upload/<project>/<file>`: uploaded files through the storage proxy (cloud
 *   default storage);
 * - `/tasks/<id>/presign/?fileuri=...`: cloud storage objects, answered with a redirect to the bucket;
 * - `/data/local-files/?d=...`: Local Storage files (Label Studio requires the token there too, as the SDK does).
 * Everything else (the API above all) is refused the token, whatever path the task data names.
 */

/** Path patterns of the media routes, below the Label Studio base path. */
const MEDIA_ROUTES: readonly RegExp[] = [
  /^\/data\/upload\/[^/]+/,
  /^\/storage-data\/uploaded\/?$/,
  /^\/tasks\/\d+\/presign\/?$/,
  /^\/data\/local-files\/?$/,
];

/**
 * Whether `url`'s path, below `basePath` (the Label Studio URL's own path prefix, `''` at the root), is a media
 * route. The WHATWG URL parser has already removed `.` and `..` segments (including `%2e` spellings); paths that
 * still hide a separator or a dot in percent-encoding, or use backslashes, are refused, since the server may decode
 * them into a different route than the one checked here.
 */
export function isMediaRoute(url: URL, basePath: string): boolean {
  let path = url.pathname;
  if (/%2f|%5c|%2e|\\/i.test(path)) return false;
  if (basePath !== '') {
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return false;
    path = path.slice(basePath.length);
  }
  return MEDIA_ROUTES.some((route) => route.test(path));
}
