// Downloads (items.xlsx, ledger.xlsx, 督查通报): the files need the bearer token, which a plain link
// cannot send, so they are fetched through the typed client and handed to the browser as a blob
// under the name the API's Content-Disposition gives.
import { fileNameOf } from '../format';
import { api, ok, type paths } from './client';

type FilePath = '/v1/exports/items.xlsx' | '/v1/exports/ledger.xlsx' | '/v1/documents/bulletin';
type QueryOf<P extends FilePath> = NonNullable<paths[P]['get']['parameters']['query']>;

/** fetches the file and saves it; an API refusal throws an ApiError (shown with its reason) */
export async function download<P extends FilePath>(
  path: P,
  query: QueryOf<P>,
  fallback: string,
): Promise<string> {
  let response: Response | undefined;
  // the three routes share one shape (a query, a binary body); the cast picks one for the client's
  // overloads, while the signature above keeps each path's own query type
  const blob = await ok(
    api
      .GET(path as '/v1/exports/ledger.xlsx', {
        params: { query: query as QueryOf<'/v1/exports/ledger.xlsx'> },
        parseAs: 'blob',
      })
      .then((r) => {
        response = r.response;
        return r;
      }),
  );
  const name = fileNameOf(response?.headers.get('content-disposition') ?? null, fallback);
  const url = URL.createObjectURL(blob as Blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
