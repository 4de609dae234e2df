/**
 * The popup's reads of its accounts' profiles, a chunk of their own loaded after the popup painted: the same
 * public look-ups as the consent window's (the account's own PDS, as the network settings direct), the avatar
 * checked against its CID and its bytes against a raster type, then drawn small.
 */
import { accountProfile } from '../../consent/avatars';
import { NetworkLookups } from '../../consent/lookup';
import { callKeyring } from '../api';
import { type AccountProfile, AVATAR_PX } from './profiles';

const lookups = new NetworkLookups(() => callKeyring('settings.get'));

export async function loadProfile(did: string): Promise<AccountProfile | undefined> {
  const { displayName, avatar } = await accountProfile(did, lookups);
  if (avatar.status === 'unavailable' && avatar.reason === 'failed') return undefined;
  const small = avatar.status === 'ok' ? await drawSmall(avatar.bytes, avatar.type).catch(() => undefined) : undefined;
  return { ...(displayName ? { displayName } : {}), ...(small ? { avatar: small } : {}), fetchedAt: Date.now() };
}

/** The picture drawn at AVATAR_PX px square (cropped to the centre), as a PNG data: URL. */
async function drawSmall(bytes: Uint8Array, type: string): Promise<string> {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = new OffscreenCanvas(AVATAR_PX, AVATAR_PX);
  canvas
    .getContext('2d')!
    .drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, AVATAR_PX, AVATAR_PX);
  bitmap.close();
  const png = await canvas.convertToBlob({ type: 'image/png' });
  return await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(png);
  });
}
