import { BackendError } from './backend-error';

/**
 * 502 `IMAGE_FETCH` for an image URL that answered with an HTTP error status: the image store reads
 * {@link httpStatus} to decide whether another route to the same file is worth a try (as the upstream SDK falls back
 * from `/storage-data/uploaded/` to `/data/upload/`).
 */
export class ImageHttpError extends BackendError {
  /** The HTTP status the image URL answered with. */
  readonly httpStatus: number;

  constructor(httpStatus: number, message: string) {
    super(502, 'IMAGE_FETCH', message);
    this.name = 'ImageHttpError';
    this.httpStatus = httpStatus;
  }
}
